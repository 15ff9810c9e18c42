/// Weights as a crossbar holds them, for evaluating a trained network "on hardware".
public enum HardwareWeights {
  /// Each layer's weights quantised to the technology's cell levels, with the layer's own
  /// range (its largest magnitude), and optionally perturbed by seeded programming noise of
  /// `noiseSigmaLevels` cell levels (one stream per layer, keyed by `seed` and the index).
  ///
  /// ```swift
  /// let onChip = HardwareWeights.programmed(layers: trained, technology: .isaac32nm,
  ///                                         noiseSigmaLevels: 0.1, seed: 7)
  /// ```
  public static func programmed(
    layers: [[Float]], technology: Technology, noiseSigmaLevels: Float = 0, seed: UInt64 = 0
  ) -> [[Float]] {
    layers.enumerated().map { index, weights in
      let q = WeightQuantizer(technology: technology, range: WeightQuantizer.range(of: weights))
      return q.programmed(weights, noiseSigmaLevels: noiseSigmaLevels, seed: seed &+ UInt64(index) &* 0x9E37_79B9)
    }
  }
}
