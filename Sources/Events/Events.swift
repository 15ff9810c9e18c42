import Tensor

/// Event streams, dataset readers, synthetic datasets and frame binning.
public enum Events {}
