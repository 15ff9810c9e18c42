import Foundation

/// JSON text of a checkpoint's metadata values (the neuron's and the blocks' configuration).
enum CheckpointJSON {
  /// Plain Codable structs of numbers and strings: JSONEncoder fails on them only for a
  /// non-finite number, which is written as a string here. Were it ever to fail, the value
  /// is `null`, which the checkpoint reader rejects with the field's name, never a trap.
  static func text<T: Encodable>(_ value: T, _ encoder: JSONEncoder) -> String {
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
  }
}
