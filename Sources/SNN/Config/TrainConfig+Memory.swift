extension TrainConfig {
  /// What a conv training step keeps between its forward and backward passes (spec
  /// `train.memory`; docs/training.md "Memory").
  ///
  /// Both give bit-identical gradients; MLPs train the same either way.
  public enum Memory: String, Codable, Hashable, Sendable, CaseIterable {
    /// Every block keeps its membrane (and batch norm's input) from the forward pass to its
    /// gradient: the fastest, holding one full-size tensor per block.
    case fast
    /// Blocks keep only their (pooled) spikes: the backward pass recomputes a block's
    /// convolution and membrane from its input just before its gradient and frees them right
    /// after, so one block's full-size tensors exist at a time (its convolution runs twice).
    case lean
  }
}
