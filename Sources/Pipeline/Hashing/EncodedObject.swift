/// The canonical JSON of an object kept as its entries, each value's text encoded once, in
/// canonical order (keys by their UTF-8 bytes): written again with one entry replaced, it
/// gives exactly the bytes ``SpecValue/canonicalJSON`` gives for the object so changed.
///
/// The stage graph of a sweep encodes a stage's params once per sweep point and writes them
/// for each seed with only `seed` replaced: at 100,000 points, encoding every node's params
/// from scratch (sorting every nested object's keys again) was most of `sdfa validate`.
///
/// ```swift
/// var params = EncodedObject(.object(["train": …, "seed": 0]))
/// params.set("seed", to: .number(3))
/// params.write(to: &bytes)     // == params-with-seed-3's canonicalJSON bytes
/// ```
struct EncodedObject: Sendable {
  struct Entry: Sendable {
    let key: String
    /// `"key":` and the value's canonical JSON.
    var text: [UInt8]
  }

  private(set) var entries: [Entry] = []

  init() {}

  /// Encodes the fields of an object (anything else has no entries).
  init(_ value: SpecValue) {
    guard case .object(let fields) = value else { return }
    entries = fields.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
      .map { field in Entry(key: field.key, text: Self.text(key: field.key) { SpecValue.write(field.value, to: &$0) }) }
  }

  /// Replaces the entry for `key`, or inserts it in canonical order.
  mutating func set(_ key: String, to value: SpecValue) {
    set(key) { SpecValue.write(value, to: &$0) }
  }

  /// Replaces the entry for `key`, or inserts it in canonical order, with a value's text
  /// written by `value` (already canonical JSON).
  mutating func set(_ key: String, _ value: (inout [UInt8]) -> Void) {
    let entry = Entry(key: key, text: Self.text(key: key, value))
    let position = entries.firstIndex { !$0.key.utf8.lexicographicallyPrecedes(key.utf8) } ?? entries.endIndex
    if position < entries.endIndex, entries[position].key == key {
      entries[position] = entry
    } else {
      entries.insert(entry, at: position)
    }
  }

  /// Appends the object's canonical JSON to `out`.
  func write(to out: inout [UInt8]) {
    out.append(UInt8(ascii: "{"))
    for (i, entry) in entries.enumerated() {
      if i > 0 { out.append(UInt8(ascii: ",")) }
      out += entry.text
    }
    out.append(UInt8(ascii: "}"))
  }

  /// Appends the canonical JSON of the object with one more entry, `key` (not among its
  /// entries), whose value `value` writes: a value too large to keep encoded is streamed.
  func write(to out: inout [UInt8], with key: String, _ value: (inout [UInt8]) -> Void) {
    let position = entries.firstIndex { !$0.key.utf8.lexicographicallyPrecedes(key.utf8) } ?? entries.endIndex
    precondition(position == entries.endIndex || entries[position].key != key, "'\(key)' is already an entry")
    out.append(UInt8(ascii: "{"))
    for (i, entry) in entries.enumerated() {
      if i > 0 { out.append(UInt8(ascii: ",")) }
      if i == position {
        Self.writeEntry(key, value, to: &out)
        out.append(UInt8(ascii: ","))
      }
      out += entry.text
    }
    if position == entries.endIndex {
      if !entries.isEmpty { out.append(UInt8(ascii: ",")) }
      Self.writeEntry(key, value, to: &out)
    }
    out.append(UInt8(ascii: "}"))
  }

  private static func writeEntry(_ key: String, _ value: (inout [UInt8]) -> Void, to out: inout [UInt8]) {
    SpecValue.writeString(key, to: &out)
    out.append(UInt8(ascii: ":"))
    value(&out)
  }

  private static func text(key: String, _ value: (inout [UInt8]) -> Void) -> [UInt8] {
    var text: [UInt8] = []
    SpecValue.writeString(key, to: &text)
    text.append(UInt8(ascii: ":"))
    value(&text)
    return text
  }
}
