@_exported import Tensor

/// Spiking networks: neurons, layers, models, BP and SDFA training, checkpoints.
///
/// The entry points are ``Trainer`` (train a ``SpikingMLP`` from a ``SpikeFrameSource``),
/// ``Evaluator`` (accuracy with transformed weights) and ``SafeTensors`` (checkpoints).
public enum SNN {}
