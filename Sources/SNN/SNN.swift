@_exported import Tensor

/// Spiking networks: neurons, layers, models, BP and SDFA training, checkpoints.
///
/// The entry points are ``Network`` (the model of every architecture), ``Trainer`` (train it
/// from a ``SpikeFrameSource``), ``TrainingSession`` (one step at a time), ``Evaluator``
/// (accuracy with transformed weights) and ``SafeTensors`` (checkpoints).
public enum SNN {}
