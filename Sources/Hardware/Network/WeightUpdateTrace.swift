/// What the optimizer's updates did to one layer's stored cells.
///
/// Accumulated over `steps` optimizer steps (one per batch): the number of cells whose
/// quantised digit changed and the sum of `|Δdigit|` over them (level steps, one programming
/// pulse each at `pulses_per_level = 1`).
public struct LayerUpdateTrace: Codable, Sendable, Equatable {
  public var steps: Int
  /// Cells of one weight copy (all arrays of the signed scheme) the counts refer to.
  public var cells: Int
  public var changedCells: Int
  public var levelSteps: Int
  /// Largest `|Δdigit|` of any cell in any step.
  public var maxLevelStep: Int

  public init(steps: Int = 0, cells: Int = 0, changedCells: Int = 0, levelSteps: Int = 0, maxLevelStep: Int = 0) {
    self.steps = steps
    self.cells = cells
    self.changedCells = changedCells
    self.levelSteps = levelSteps
    self.maxLevelStep = maxLevelStep
  }

  /// The change of one optimizer step from `old` to `new` weights (same layout).
  ///
  /// Complexity: O(weights · n_c), no allocation; called after every optimizer step.
  public init(old: [Float], new: [Float], quantizer: WeightQuantizer) {
    precondition(old.count == new.count, "old and new weights differ in size: \(old.count) vs \(new.count)")
    var changed = 0, steps = 0, largest = 0
    let differential = quantizer.scheme == .differential
    let bits = quantizer.cellBits, mask = (1 << bits) - 1, cellsPerWeight = quantizer.cellsPerWeight
    // Compares the digits of two non-negative levels without allocating.
    func compare(_ x: Int, _ y: Int) {
      var x = x, y = y
      for _ in 0..<cellsPerWeight {
        let delta = abs((x & mask) - (y & mask))
        if delta > 0 {
          changed += 1
          steps += delta
          largest = max(largest, delta)
        }
        x >>= bits
        y >>= bits
      }
    }
    for i in old.indices where old[i] != new[i] {
      let a = quantizer.level(old[i]), b = quantizer.level(new[i])
      if a == b { continue }
      if differential {
        compare(max(a, 0), max(b, 0))
        compare(max(-a, 0), max(-b, 0))
      } else {
        compare(a, b)
      }
    }
    self.init(
      steps: 1, cells: old.count * quantizer.cellsPerWeight * quantizer.scheme.arraysPerWeight,
      changedCells: changed, levelSteps: steps, maxLevelStep: largest)
  }

  /// Adds another step's (or run's) counts to these.
  public mutating func accumulate(_ other: LayerUpdateTrace) {
    steps += other.steps
    cells = max(cells, other.cells)
    changedCells += other.changedCells
    levelSteps += other.levelSteps
    maxLevelStep = max(maxLevelStep, other.maxLevelStep)
  }

  /// Fraction of cells changed per step (`f_upd`).
  public var changedFraction: Double {
    steps > 0 && cells > 0 ? Double(changedCells) / Double(steps) / Double(cells) : 0
  }
  /// Mean level steps (pulses at one pulse per level) per step.
  public var levelStepsPerStep: Double { steps > 0 ? Double(levelSteps) / Double(steps) : 0 }
}

/// The weight-change trace of a whole training run, one entry per weight layer.
///
/// The training engine's observer calls ``record(layer:old:new:quantizer:)`` after each
/// optimizer step.
public struct WeightUpdateTrace: Codable, Sendable, Equatable {
  public var layers: [LayerUpdateTrace]

  public init(layers: [LayerUpdateTrace]) { self.layers = layers }

  public init(layerCount: Int) { layers = Array(repeating: LayerUpdateTrace(), count: layerCount) }

  public mutating func record(layer: Int, old: [Float], new: [Float], quantizer: WeightQuantizer) {
    layers[layer].accumulate(LayerUpdateTrace(old: old, new: new, quantizer: quantizer))
  }
}
