import Foundation

/// The `bin` stage's artifact: every sample's frames, stored sparsely per time step.
///
/// Format (a ``SectionFileLayout`` file, magic `SDFAFRMS`, version 1; little-endian):
///
/// | section | elements | content |
/// |---|---|---|
/// | `soff` | UInt64 × (samples + 1) | first step (row of `toff`) of each sample |
/// | `toff` | UInt64 × (steps + 1) | first entry (global count) of each (sample, step) |
/// | `labl` | Int32 × samples | class index |
/// | `splt` | UInt8 × samples | 0 train, 1 test |
/// | `entr` | 4-byte words | per sample, a block: its entries' feature indices (Int32, `c·H·W + y·W + x` or the unit, ascending per step), then their values (Float32 counts or summed values, never 0) |
/// | `meta` | UTF-8 JSON | ``FramesContainerMetadata`` |
enum FramesContainerFormat {
  static let magic = "SDFAFRMS"
  static let version: UInt32 = 1
}

/// The descriptive part of a frames container, stored as JSON in its `meta` section.
public struct FramesContainerMetadata: Codable, Equatable, Sendable {
  /// Time steps per sample (the largest, when ``SplitBy/duration(_:)`` makes them vary).
  public var timeSteps: Int
  /// Whether every sample has exactly ``timeSteps`` steps.
  public var fixedTimeSteps: Bool
  /// Per-step input shape: [2, H, W] or [units].
  public var inputShape: [Int]
  public var classNames: [String]
  /// The rule used (`number`, `time`, `duration(…)`, `digitize(…)`).
  public var splitBy: String
  /// The events container's dataset kind.
  public var datasetKind: String
  public var attributes: [String: String]

  public init(
    timeSteps: Int, fixedTimeSteps: Bool = true, inputShape: [Int], classNames: [String], splitBy: String,
    datasetKind: String, attributes: [String: String] = [:]
  ) {
    self.timeSteps = timeSteps
    self.fixedTimeSteps = fixedTimeSteps
    self.inputShape = inputShape
    self.classNames = classNames
    self.splitBy = splitBy
    self.datasetKind = datasetKind
    self.attributes = attributes
  }
}
