import Tensor

/// Spiking networks: neurons, layers, models, BP and SDFA training.
public enum SNN {}
