import Foundation
import Pipeline

/// Reading and writing the JSON files of artifacts: sorted keys, so equal content gives
/// byte-identical files (and equal digests).
enum ArtifactFiles {
  static func write<T: Encodable>(_ value: T, to name: String, in context: StageContext) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    try context.write(encoder.encode(value), to: name)
  }

  static func read<T: Decodable>(_ type: T.Type, from url: URL) throws -> T {
    let decoder = JSONDecoder()
    decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    do {
      return try decoder.decode(type, from: Data(contentsOf: url))
    } catch let error as DecodingError {
      throw StageFailure("\(url.lastPathComponent) in artifact \(url.deletingLastPathComponent().lastPathComponent.prefix(12)) cannot be read: \(error)")
    }
  }

  /// A flat summary every stage writes (`summary.json`): the numbers the report shows.
  static func writeSummary(_ values: [String: Double], in context: StageContext) throws {
    try write(values, to: "summary.json", in: context)
  }
}

extension StageContext {
  /// The param at `path`, or a failure naming it (the schema fills defaults, so a missing
  /// value means a schema and a stage disagree).
  func required(_ path: String) throws -> SpecValue {
    guard let value = param(path), value != .null else { throw StageFailure("stage '\(label)' needs '\(path)'") }
    return value
  }

  func string(_ path: String) throws -> String {
    guard let s = try required(path).stringValue else { throw StageFailure("'\(path)' must be a string") }
    return s
  }

  func int(_ path: String) throws -> Int {
    guard let i = try required(path).intValue else { throw StageFailure("'\(path)' must be an integer") }
    return i
  }

  func double(_ path: String) throws -> Double {
    guard let d = try required(path).doubleValue else { throw StageFailure("'\(path)' must be a number") }
    return d
  }
}
