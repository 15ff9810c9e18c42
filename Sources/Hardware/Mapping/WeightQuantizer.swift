import Tensor

/// Quantises weights to the conductance levels of `b_c`-bit cells.
///
/// A weight `w` clipped to `[-range, range]` becomes an integer level. With differential
/// pairs the magnitude `round(|w|/range · (2^b_w − 1))` goes to the positive or the negative
/// array (the other holds 0); with an offset scheme the single array holds
/// `round((w + range)/(2·range) · (2^b_w − 1))`. The level is then sliced into
/// `n_c = ceil(b_w / b_c)` digits of `b_c` bits, one per cell, least significant first.
///
/// ```swift
/// let q = WeightQuantizer(technology: .isaac32nm, range: 0.5)
/// let hardwareWeights = q.quantized([0.1, -0.3])
/// ```
public struct WeightQuantizer: Codable, Sendable, Equatable {
  public var weightBits: Int
  public var cellBits: Int
  public var scheme: SignedWeightScheme
  /// Clipping range; weights map to `[-range, range]`.
  public var range: Float

  public init(weightBits: Int, cellBits: Int, scheme: SignedWeightScheme, range: Float) {
    precondition(weightBits >= 1 && cellBits >= 1 && range > 0, "invalid quantiser")
    self.weightBits = weightBits
    self.cellBits = cellBits
    self.scheme = scheme
    self.range = range
  }

  public init(technology: Technology, range: Float) {
    self.init(weightBits: technology.weightBits, cellBits: technology.cellBits,
              scheme: technology.signedWeights, range: range)
  }

  /// A range covering every weight of `weights` (their largest magnitude, at least 1e-12).
  public static func range(of weights: [Float]) -> Float {
    max(weights.reduce(0) { max($0, abs($1)) }, 1e-12)
  }

  /// Highest integer level, `2^b_w − 1`.
  public var maxLevel: Int { (1 << weightBits) - 1 }
  /// Cells per weight and array, `ceil(b_w / b_c)`.
  public var cellsPerWeight: Int { (weightBits + cellBits - 1) / cellBits }

  /// The signed level of `w`: in `-maxLevel...maxLevel` (differential) or `0...maxLevel` (offset).
  public func level(_ w: Float) -> Int {
    let m = Float(maxLevel)
    let c = min(max(w, -range), range)
    switch scheme {
    case .differential: return Int((c / range * m).rounded())
    case .offset: return Int(((c + range) / (2 * range) * m).rounded())
    }
  }

  /// The weight that `level` stands for.
  public func weight(ofLevel level: Int) -> Float {
    let m = Float(maxLevel)
    switch scheme {
    case .differential: return Float(level) / m * range
    case .offset: return Float(level) / m * 2 * range - range
    }
  }

  /// Weights as the arrays store them (quantised, no noise).
  public func quantized(_ weights: [Float]) -> [Float] {
    weights.map { weight(ofLevel: level($0)) }
  }

  /// Weights as programmed arrays store them: quantised, then each cell's level perturbed by
  /// Gaussian programming noise of `sigma` levels (seeded, clipped to the cell's range).
  public func programmed(_ weights: [Float], noiseSigmaLevels sigma: Float, seed: UInt64) -> [Float] {
    guard sigma > 0 else { return quantized(weights) }
    var rng = RandomStream(seed: seed, purpose: "hardware.programming-noise")
    let cellMax = Float((1 << cellBits) - 1)
    return weights.map { w in
      let values = cellDigits(w).map { digits -> Float in
        var value: Float = 0
        var scale: Float = 1
        for digit in digits {
          value += min(max(Float(digit) + sigma * rng.nextNormal(), 0), cellMax) * scale
          scale *= Float(1 << cellBits)
        }
        return value
      }
      let m = Float(maxLevel)
      switch scheme {
      case .differential: return (values[0] - values[1]) / m * range
      case .offset: return values[0] / m * 2 * range - range
      }
    }
  }

  /// The `n_c` cell digits of a non-negative level, least significant first.
  public func digits(_ level: Int) -> [Int] {
    let mask = (1 << cellBits) - 1
    return (0..<cellsPerWeight).map { (level >> ($0 * cellBits)) & mask }
  }

  /// Digits of every array of the scheme: `[positive digits, negative digits]` or `[digits]`.
  func cellDigits(_ w: Float) -> [[Int]] {
    let l = level(w)
    switch scheme {
    case .differential: return [digits(max(l, 0)), digits(max(-l, 0))]
    case .offset: return [digits(l)]
    }
  }
}
