/// The assumptions behind an estimate, as sentences printed beside the totals.
enum Assumptions {
  static func list(network: NetworkDescription, technology tech: Technology, traced: Bool) -> [String] {
    let arch = tech.architecture
    let input: String = network.inputEncoding ?? (tech.firstLayerInputBits > 1 ? "multi-bit" : "binary")
    let errorInput: String = arch.bitSerialError
      ? "fed to the transposed arrays bit-serially (\(tech.errorBits) reads)"
      : "spike-coded into the transposed arrays (one read per step) [assumption]"
    let replication: String = arch.replication == .balanced ? " under a budget of \(arch.arrayBudget) arrays" : " (G = 1)"
    let transpose: String = arch.transposeMode == .peripheral
      ? " (energy factor k_T = \(fmt(arch.transposePeripheralFactor)))" : " (Wᵀ copies written on every update)"
    let update: String = arch.staleWeights
      ? "stale weights, update fully hidden (ablation)" : "update exposed only where the next batch needs a layer before its write ends"
    let temporal: String = network.hiddenReverseTime
      ? "training is BPTT inside every layer (train.temporal: bptt): reverse-time membrane terms charged to both accelerators"
      : "training is temporally local in hidden layers (train.temporal: local): reverse-time terms only for the output layer, on both accelerators"
    var lines: [String] = []
    lines.append("technology \(tech.name): \(tech.nodeNm) nm, \(tech.crossbarRows)x\(tech.crossbarCols) arrays, "
      + "\(tech.cellBits)-bit cells, \(tech.weightBits)-bit weights (\(tech.cellsPerWeight) cells each), "
      + "\(tech.signedWeights.rawValue) signed weights")
    lines.append("one shared \(tech.adcBits)-bit ADC per array; a 1-bit-input array read takes \(fmt(tech.readCycleNs)) ns")
    lines.append("spike inputs are binary (one read per time step); the first layer's input \(input), "
      + "\(network.inputBits(tech)) bit(s) fed bit-serially; errors are \(tech.errorBits)-bit, \(errorInput)")
    lines.append("BN folded into weights and thresholds; pooling, loss and error units digital and not charged")
    lines.append("replication \(arch.replication.rawValue)\(replication)")
    lines.append("PipeLayer: 2L+1 stages per sample, each stage runs all T steps of its layer (BPTT), "
      + "backward slot factor k_bwd = \(fmt(arch.backwardSlotFactor)) [assumption], update between batches")
    lines.append("PipeLayer transposed reads: \(arch.transposeMode.rawValue)\(transpose)")
    lines.append("PipeSDFA: time-step, data and batch pipelining; r = e·B once per sample (\(tech.errorBits) reads of all B arrays in parallel); "
      + "B stored as \(arch.feedbackMatrix.rawValue); \(update)")
    lines.append(temporal)
    lines.append("B has \(network.errorSize) rows (the classes), error e from the time-averaged output")
    lines.append("row-serial writes, arrays in parallel: t_w = rows x 2 x n_p x \(fmt(tech.writePulseNs)) ns, n_p <= \(tech.maxPulsesPerRow)")
    lines.append("write pulse energy V²·G·t_p = \(fmt(tech.writePulsePj)) pJ, \(tech.pulsesPerLevel) pulse(s) per level step")
    lines.append(traced ? "weight writes from the recorded weight-change trace"
      : "no weight-change trace: every cell assumed to change by one level per batch")
    lines.append(arch.eventDriven ? "event-driven: array reads, conversions and neuron updates skipped where a row tile has no spike"
      : "dense: every read, conversion and neuron update performed")
    lines.append("static power \(fmt(tech.staticPowerMw)) mW")
    lines.append("one-time programming of W and B reported apart, not in the epoch energy")
    if tech.area == nil { lines.append("area not configured") }
    return lines
  }

  static func fmt(_ x: Double) -> String {
    x == x.rounded() && abs(x) < 1e9 ? String(Int(x)) : String(x)
  }
}
