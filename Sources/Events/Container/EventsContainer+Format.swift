import Foundation

/// The `load` stage's artifact: every sample of a dataset (both splits) in one memory-mappable
/// file.
///
/// Format (a ``SectionFileLayout`` file, magic `SDFAEVTS`, version 1; all little-endian):
///
/// | section | elements | content |
/// |---|---|---|
/// | `offs` | UInt64 × (samples + 1) | event offset of each sample; the last is the event count |
/// | `labl` | Int32 × samples | class index |
/// | `splt` | UInt8 × samples | 0 train, 1 test |
/// | `time` | Int64 × events | timestamps in ticks of the ``TimeBase`` |
/// | `xcol` | UInt16 × events | pixel x, or channel unit |
/// | `ycol` | UInt16 × events | pixel y (cameras only) |
/// | `pcol` | UInt8 × events | polarity (cameras only) |
/// | `vals` | Float32 × events | analog values (only when stored) |
/// | `meta` | UTF-8 JSON | ``EventsContainerMetadata`` |
enum EventsContainerFormat {
  static let magic = "SDFAEVTS"
  static let version: UInt32 = 1
}

/// The descriptive part of an events container, stored as JSON in its `meta` section.
public struct EventsContainerMetadata: Codable, Equatable, Sendable {
  /// `nmnist`, `synthetic-nmnist`, `shd`, ….
  public var datasetKind: String
  public var layout: SensorLayout
  public var timeBase: TimeBase
  /// Class names; a sample's label indexes this array.
  public var classNames: [String]
  /// Whether events carry analog values (`vals` section).
  public var hasValues: Bool
  /// The source files, with digests supplied by the caller.
  public var sources: [SourceFile]
  /// Free-form facts (e.g. `label_order: spikingjelly`, `seed: 3`).
  public var attributes: [String: String]

  public init(
    datasetKind: String, layout: SensorLayout, timeBase: TimeBase, classNames: [String],
    hasValues: Bool = false, sources: [SourceFile] = [], attributes: [String: String] = [:]
  ) {
    self.datasetKind = datasetKind
    self.layout = layout
    self.timeBase = timeBase
    self.classNames = classNames
    self.hasValues = hasValues
    self.sources = sources
    self.attributes = attributes
  }
}

func canonicalJSON<T: Encodable>(_ value: T) -> [UInt8] {
  let encoder = JSONEncoder()
  encoder.outputFormatting = [.sortedKeys]
  return Array((try? encoder.encode(value)) ?? Data())
}
