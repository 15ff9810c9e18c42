/// Crossbar mapping, pipeline timing and energy of PipeLayer and PipeSDFA accelerators.
///
/// Entry points:
/// - ``HardwareModel/estimate(network:activity:trace:technology:)``: mapping, timing, energy
///   and area of both accelerators for one epoch, with ratios and assumptions;
///   ``HardwareReport/render(_:)`` prints it.
/// - ``Mapping/map(_:technology:)``: crossbar tiling alone.
/// - ``HardwareWeights/programmed(layers:technology:noiseSigmaLevels:seed:)``: weights as the
///   arrays hold them, for accuracy on hardware.
/// - ``WeightUpdateTrace/record(layer:old:new:quantizer:)``: the training observer's hook.
///
/// The model and its sources: `shared/research/hardware.md`; technology presets:
/// `experiments/hardware/*.yml`.
public enum Hardware {}
