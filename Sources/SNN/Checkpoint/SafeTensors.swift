import Foundation

/// The safetensors file format: an 8-byte little-endian header length N, N bytes of JSON
/// (`{"name": {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}, "__metadata__":
/// {string: string}}`, padded with spaces to a multiple of 8), then the raw little-endian data.
///
/// ```swift
/// let bytes = SafeTensors.encode(["w": w], metadata: ["format": "pt"])
/// let (tensors, meta) = try SafeTensors.decode(bytes)
/// ```
public enum SafeTensors {
  /// A malformed file.
  public struct FormatError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { "safetensors: \(message)" }
  }

  /// Serialises `tensors` (F32) with string `metadata`; tensors are laid out in name order.
  public static func encode(_ tensors: [String: Tensor], metadata: [String: String] = [:])
    -> [UInt8]
  {
    var header: [String: Any] = [:]
    if !metadata.isEmpty { header["__metadata__"] = metadata }
    var offset = 0
    let names = tensors.keys.sorted()
    for name in names {
      let t = tensors[name]!
      header[name] = [
        "dtype": "F32", "shape": t.shape, "data_offsets": [offset, offset + 4 * t.count],
      ] as [String: Any]
      offset += 4 * t.count
    }
    // Strings and integers only: JSONSerialization cannot fail on them. Were it ever to, the
    // empty header makes every reader reject the file ("header is not JSON"), never a trap.
    var json = Array(
      (try? JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])) ?? Data())
    while json.count % 8 != 0 { json.append(0x20) }
    var out = [UInt8]()
    out.reserveCapacity(8 + json.count + offset)
    withUnsafeBytes(of: UInt64(json.count).littleEndian) { out.append(contentsOf: $0) }
    out.append(contentsOf: json)
    for name in names {
      tensors[name]!.withUnsafeBufferPointer { p in
        for x in p { withUnsafeBytes(of: x.bitPattern.littleEndian) { out.append(contentsOf: $0) } }
      }
    }
    return out
  }

  /// Parses a safetensors file holding F32 tensors.
  public static func decode(_ bytes: [UInt8]) throws(FormatError) -> (
    tensors: [String: Tensor], metadata: [String: String]
  ) {
    guard bytes.count >= 8 else { throw FormatError(message: "shorter than its 8-byte header") }
    var n: UInt64 = 0
    for i in 0..<8 { n |= UInt64(bytes[i]) << (8 * UInt64(i)) }
    guard n <= UInt64(bytes.count - 8) else {
      throw FormatError(message: "header length \(n) beyond the file's \(bytes.count) bytes")
    }
    let dataStart = 8 + Int(n)
    let object: Any
    do { object = try JSONSerialization.jsonObject(with: Data(bytes[8..<dataStart])) } catch {
      throw FormatError(message: "header is not JSON: \(error)")
    }
    guard let header = object as? [String: Any] else {
      throw FormatError(message: "header is not a JSON object")
    }
    var tensors: [String: Tensor] = [:]
    var metadata: [String: String] = [:]
    for (name, value) in header {
      if name == "__metadata__" {
        metadata = value as? [String: String] ?? [:]
        continue
      }
      guard let info = value as? [String: Any], let dtype = info["dtype"] as? String,
        let shape = info["shape"] as? [Int], let offsets = info["data_offsets"] as? [Int],
        offsets.count == 2
      else { throw FormatError(message: "tensor '\(name)' has a malformed entry") }
      guard dtype == "F32" else {
        throw FormatError(message: "tensor '\(name)' has dtype \(dtype); only F32 is supported")
      }
      let count = try elementCount(shape, name: name)
      let (b, e) = (offsets[0], offsets[1])
      // Checked so that offsets near Int.max neither trap nor wrap into range.
      let dataBytes = bytes.count - dataStart
      guard b >= 0, e >= b, e <= dataBytes, e - b == 4 * count else {
        throw FormatError(message: "tensor '\(name)': data_offsets \(offsets) do not fit shape \(shape) (\(count) F32 values = \(4 * count) bytes) within the \(dataBytes) data bytes")
      }
      var t = Tensor(shape: shape)
      t.withUnsafeMutableBufferPointer { p in
        for i in 0..<count {
          let o = dataStart + b + 4 * i
          let bits =
            UInt32(bytes[o]) | UInt32(bytes[o + 1]) << 8 | UInt32(bytes[o + 2]) << 16
            | UInt32(bytes[o + 3]) << 24
          p[i] = Float(bitPattern: bits)
        }
      }
      tensors[name] = t
    }
    return (tensors, metadata)
  }

  /// The number of elements of `shape`, checked: every dimension ≥ 0, and the product small
  /// enough that its bytes can exist (≤ `Int.max / 4`; the offsets check then bounds it by
  /// the file's size), so that a crafted `[2^32, 2^32]` or `[2^62]` is an error, not a trap.
  static func elementCount(_ shape: [Int], name: String) throws(FormatError) -> Int {
    var count = 1
    for d in shape {
      guard d >= 0 else { throw FormatError(message: "tensor '\(name)' has a negative dimension in shape \(shape)") }
      let (product, overflow) = count.multipliedReportingOverflow(by: d)
      guard !overflow, product <= Int.max / 4 else {
        throw FormatError(message: "tensor '\(name)' has shape \(shape), whose element count overflows (at most \(Int.max / 4) F32 values can be addressed)")
      }
      count = product
    }
    return count
  }
}
