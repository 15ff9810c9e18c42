#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The on-disk layout shared by the events and frames containers: a fixed 1,024-byte header,
/// then named, 64-byte-aligned sections of little-endian fixed-size elements.
///
/// Header (little-endian): magic (8 bytes) · version u32 · header size u32 (1024) · section
/// count u32 · header CRC-32 u32 (over the header with both CRC fields zero) · payload CRC-32
/// u32 (over every byte after the header, padding included) · reserved u32 · file size u64 ·
/// reserved to byte 64 · up to 30 section entries of 32 bytes: tag (4 ASCII bytes) · element
/// size u32 · offset u64 · byte count u64 · reserved u64.
enum SectionFileLayout {
  static let headerSize = 1024
  static let maxSections = 30
  static let alignment = 64
}

/// One section entry of a ``SectionFileLayout`` header.
struct SectionEntry: Equatable {
  var tag: String
  var elementSize: Int
  var offset: Int
  var byteCount: Int
}

/// Writes a section file sequentially; the header is written last by ``finish()``.
final class SectionFileWriter {
  let path: String
  private let magic: [UInt8]
  private let version: UInt32
  private var file: UnsafeMutablePointer<FILE>?
  private var position = 0
  private var payloadCRC = CRC32Checksum()
  private var sections: [SectionEntry] = []
  private var open: SectionEntry?

  init(path: String, magic: String, version: UInt32) throws {
    precondition(magic.utf8.count == 8)
    self.path = path
    self.magic = Array(magic.utf8)
    self.version = version
    guard let f = fopen(path, "wb") else {
      throw EventsError(file: path, "cannot create (errno \(errno))")
    }
    file = f
    setvbuf(f, nil, _IOFBF, 1 << 20)
    let zeros = [UInt8](repeating: 0, count: SectionFileLayout.headerSize)
    try rawWrite(zeros, checksummed: false)
  }

  deinit { if let file { fclose(file) } }

  func beginSection(_ tag: String, elementSize: Int) throws {
    precondition(open == nil && tag.utf8.count == 4 && sections.count < SectionFileLayout.maxSections)
    let pad = (SectionFileLayout.alignment - position % SectionFileLayout.alignment) % SectionFileLayout.alignment
    if pad > 0 { try write([UInt8](repeating: 0, count: pad)) }
    open = SectionEntry(tag: tag, elementSize: elementSize, offset: position, byteCount: 0)
  }

  func write(_ bytes: UnsafeRawBufferPointer) throws {
    try rawWrite(bytes, checksummed: true)
  }

  func write<T>(_ values: [T]) throws {
    try values.withUnsafeBytes { (b) in try write(b) }
  }

  func endSection() {
    guard var entry = open else { preconditionFailure("no open section") }
    entry.byteCount = position - entry.offset
    precondition(entry.byteCount % max(entry.elementSize, 1) == 0)
    sections.append(entry)
    open = nil
  }

  /// Writes a whole section from an array.
  func section<T>(_ tag: String, _ values: [T]) throws {
    try beginSection(tag, elementSize: MemoryLayout<T>.stride)
    try write(values)
    endSection()
  }

  /// Writes the header and closes the file.
  func finish() throws {
    precondition(open == nil)
    var header = [UInt8](repeating: 0, count: SectionFileLayout.headerSize)
    func put<T: FixedWidthInteger>(_ v: T, _ at: Int) {
      withUnsafeBytes(of: v.littleEndian) { for (k, b) in $0.enumerated() { header[at + k] = b } }
    }
    for (k, b) in magic.enumerated() { header[k] = b }
    put(version, 8)
    put(UInt32(SectionFileLayout.headerSize), 12)
    put(UInt32(sections.count), 16)
    put(UInt64(position), 32)
    for (s, entry) in sections.enumerated() {
      let base = 64 + 32 * s
      for (k, b) in entry.tag.utf8.enumerated() { header[base + k] = b }
      put(UInt32(entry.elementSize), base + 4)
      put(UInt64(entry.offset), base + 8)
      put(UInt64(entry.byteCount), base + 16)
    }
    let headerCRC = header.withUnsafeBytes { CRC32Checksum.checksum($0) }
    put(headerCRC, 20)
    put(payloadCRC.value, 24)
    guard let f = file else { return }
    guard fseek(f, 0, SEEK_SET) == 0,
      header.withUnsafeBytes({ fwrite($0.baseAddress, 1, $0.count, f) }) == header.count,
      fflush(f) == 0
    else { throw EventsError(file: path, "cannot write header (errno \(errno))") }
    fclose(f)
    file = nil
  }

  private func rawWrite(_ bytes: [UInt8], checksummed: Bool) throws {
    try bytes.withUnsafeBytes { (b) in try rawWrite(b, checksummed: checksummed) }
  }

  private func rawWrite(_ bytes: UnsafeRawBufferPointer, checksummed: Bool) throws {
    guard !bytes.isEmpty, let f = file, let base = bytes.baseAddress else { return }
    if bytes.count >= 1 << 12 {
      // Large blocks skip stdio's buffer copy.
      guard fflush(f) == 0 else { throw EventsError(file: path, .byte(position), "write failed (errno \(errno))") }
      var done = 0
      while done < bytes.count {
        let n = systemWrite(fileno(f), base + done, bytes.count - done)
        if n < 0 && errno == EINTR { continue }
        guard n > 0 else { throw EventsError(file: path, .byte(position + done), "write failed (errno \(errno))") }
        done += n
      }
    } else if fwrite(base, 1, bytes.count, f) != bytes.count {
      throw EventsError(file: path, .byte(position), "write failed (errno \(errno))")
    }
    if checksummed { payloadCRC.update(bytes) }
    position += bytes.count
  }
}

/// A memory-mapped, validated section file.
final class SectionFileReader: @unchecked Sendable {
  let mapped: MappedFile
  let version: UInt32
  let sections: [String: SectionEntry]
  var path: String { mapped.path }

  /// Maps `path`, checks magic, version, header checksum and section bounds, and (when
  /// `verifyPayload`) the payload checksum.
  init(path: String, magic: String, supportedVersion: UInt32, verifyPayload: Bool) throws {
    mapped = try MappedFile(path: path)
    let bytes = mapped.bytes
    let size = bytes.count
    guard size >= SectionFileLayout.headerSize else {
      throw EventsError(file: path, .byte(size), "truncated header: file has \(size) bytes, the header needs \(SectionFileLayout.headerSize)")
    }
    func u32(_ at: Int) -> UInt32 { UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt32.self)) }
    func u64(_ at: Int) -> UInt64 { UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt64.self)) }
    guard Array(bytes[0..<8]) == Array(magic.utf8) else {
      throw EventsError(file: path, .byte(0), "not a \(magic.trimmingSuffixNUL) file (bad magic)")
    }
    version = u32(8)
    guard version == supportedVersion else {
      throw EventsError(file: path, .byte(8), "unsupported version \(version) (this build reads \(supportedVersion))")
    }
    var header = Array(bytes[0..<SectionFileLayout.headerSize])
    for k in 20..<28 { header[k] = 0 }
    let headerCRC = header.withUnsafeBytes { CRC32Checksum.checksum($0) }
    guard headerCRC == u32(20) else {
      throw EventsError(file: path, .byte(0), "header checksum mismatch (stored \(hex(u32(20))), computed \(hex(headerCRC)))")
    }
    let declaredSize = Int(u64(32))
    guard declaredSize == size else {
      throw EventsError(file: path, .byte(min(size, declaredSize)), "file is \(size) bytes but its header declares \(declaredSize)\(size < declaredSize ? " (truncated)" : "")")
    }
    let count = Int(u32(16))
    guard count <= SectionFileLayout.maxSections else {
      throw EventsError(file: path, .byte(16), "section count \(count) exceeds \(SectionFileLayout.maxSections)")
    }
    var table: [String: SectionEntry] = [:]
    for s in 0..<count {
      let base = 64 + 32 * s
      let tag = String(decoding: bytes[base..<base + 4], as: UTF8.self)
      let entry = SectionEntry(
        tag: tag, elementSize: Int(u32(base + 4)), offset: Int(u64(base + 8)), byteCount: Int(u64(base + 16)))
      guard entry.offset >= SectionFileLayout.headerSize, entry.offset % SectionFileLayout.alignment == 0,
        entry.byteCount >= 0, entry.offset <= size, entry.byteCount <= size - entry.offset,
        entry.elementSize > 0, entry.byteCount % entry.elementSize == 0
      else {
        throw EventsError(file: path, .byte(base), "section '\(tag)' is out of bounds or misaligned (offset \(entry.offset), \(entry.byteCount) bytes, file \(size) bytes)")
      }
      table[tag] = entry
    }
    sections = table
    if verifyPayload {
      var crc = CRC32Checksum()
      var at = SectionFileLayout.headerSize
      let chunk = 64 << 20
      while at < size {
        let end = min(size, at + chunk)
        crc.update(UnsafeRawBufferPointer(rebasing: bytes[at..<end]))
        mapped.releasePages(at..<end)
        at = end
      }
      let payloadCRC = crc.value
      guard payloadCRC == u32(24) else {
        throw EventsError(file: path, .byte(SectionFileLayout.headerSize), "payload checksum mismatch (stored \(hex(u32(24))), computed \(hex(payloadCRC))): the file is corrupt")
      }
    }
  }

  /// Drops the pages of the given byte range of section `tag` from the resident set.
  func releasePages(_ tag: String, elements: Range<Int>) {
    guard let entry = sections[tag] else { return }
    mapped.releasePages((entry.offset + elements.lowerBound * entry.elementSize)..<(entry.offset + elements.upperBound * entry.elementSize))
  }

  /// The raw bytes of section `tag`.
  func raw(_ tag: String) throws -> UnsafeRawBufferPointer {
    guard let entry = sections[tag] else { throw EventsError(file: path, "missing section '\(tag)'") }
    return UnsafeRawBufferPointer(rebasing: mapped.bytes[entry.offset..<entry.offset + entry.byteCount])
  }

  /// Section `tag` as a typed buffer, checking the element size.
  func typed<T>(_ tag: String, as: T.Type, count expected: Int? = nil) throws -> UnsafeBufferPointer<T> {
    guard let entry = sections[tag] else { throw EventsError(file: path, "missing section '\(tag)'") }
    guard entry.elementSize == MemoryLayout<T>.stride else {
      throw EventsError(file: path, .byte(entry.offset), "section '\(tag)' has \(entry.elementSize)-byte elements, expected \(MemoryLayout<T>.stride)")
    }
    let n = entry.byteCount / entry.elementSize
    if let expected, n != expected {
      throw EventsError(file: path, .byte(entry.offset), "section '\(tag)' has \(n) elements, expected \(expected)")
    }
    guard n > 0, let base = mapped.bytes.baseAddress else { return UnsafeBufferPointer(start: nil, count: 0) }
    return UnsafeBufferPointer(start: (base + entry.offset).assumingMemoryBound(to: T.self), count: n)
  }
}

/// A temporary file that collects one column while samples stream in, copied into the final
/// file by ``SectionFileWriter`` at the end so that a large dataset never sits whole in memory.
final class ColumnSpool {
  let path: String
  private var file: UnsafeMutablePointer<FILE>?
  private(set) var byteCount = 0

  init(path: String) throws {
    self.path = path
    guard let f = fopen(path, "w+b") else { throw EventsError(file: path, "cannot create spool (errno \(errno))") }
    setvbuf(f, nil, _IOFBF, 1 << 20)
    file = f
  }

  deinit {
    if let file { fclose(file) }
    unlink(path)
  }

  func append<T>(_ values: UnsafeBufferPointer<T>) throws {
    guard let f = file, values.count > 0 else { return }
    let n = values.count * MemoryLayout<T>.stride
    guard fwrite(values.baseAddress, 1, n, f) == n else {
      throw EventsError(file: path, .byte(byteCount), "spool write failed (errno \(errno))")
    }
    byteCount += n
  }

  func append<T>(_ values: [T]) throws {
    try values.withUnsafeBufferPointer { (b) in try append(b) }
  }

  /// Copies the spool's contents into `writer`'s open section.
  func copy(into writer: SectionFileWriter) throws {
    guard let f = file else { return }
    fflush(f)
    fseek(f, 0, SEEK_SET)
    var buffer = [UInt8](repeating: 0, count: 1 << 20)
    var remaining = byteCount
    while remaining > 0 {
      let n = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, min($0.count, remaining), f) }
      guard n > 0 else { throw EventsError(file: path, .byte(byteCount - remaining), "spool read failed") }
      try buffer.withUnsafeBytes { (b) in try writer.write(UnsafeRawBufferPointer(rebasing: b[0..<n])) }
      remaining -= n
    }
  }
}

/// `write(2)`, named apart from the writers' `write` methods.
func systemWrite(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int { write(fd, bytes, count) }

func hex(_ v: UInt32) -> String {
  let s = String(v, radix: 16)
  return "0x" + String(repeating: "0", count: max(0, 8 - s.count)) + s
}

extension String {
  var trimmingSuffixNUL: String {
    var s = self
    while s.hasSuffix("\0") { s.removeLast() }
    return s
  }
}
