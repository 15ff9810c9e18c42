import Foundation

extension RunRecord {
  /// An encoder for records: sorted keys, and NaN/infinities as the strings `nan`, `inf`,
  /// `-inf` (a diverged run's metrics are NaN, which plain `JSONEncoder` refuses).
  public static func makeJSONEncoder() -> JSONEncoder {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return encoder
  }

  /// The decoder matching ``makeJSONEncoder()``.
  public static func makeJSONDecoder() -> JSONDecoder {
    let decoder = JSONDecoder()
    decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return decoder
  }
}
