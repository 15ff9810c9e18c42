#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A read-only memory mapping of a whole file; unmapped when the last reference goes.
final class MappedFile: @unchecked Sendable {
  let path: String
  let bytes: UnsafeRawBufferPointer

  init(path: String) throws {
    self.path = path
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { throw EventsError(file: path, "cannot open (errno \(errno))") }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0 else { throw EventsError(file: path, "cannot stat (errno \(errno))") }
    let size = Int(info.st_size)
    if size == 0 {
      bytes = UnsafeRawBufferPointer(start: nil, count: 0)
      return
    }
    guard let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), base != MAP_FAILED else {
      throw EventsError(file: path, "cannot map \(size) bytes (errno \(errno))")
    }
    bytes = UnsafeRawBufferPointer(start: base, count: size)
  }

  /// Drops the pages of `range` (byte offsets) from this process's resident set; they stay in
  /// the page cache and fault back in on the next access. Keeps the RSS of one pass over a
  /// multi-gigabyte container small.
  func releasePages(_ range: Range<Int>) {
    guard let base = bytes.baseAddress, !range.isEmpty else { return }
    let page = Int(sysconf(Int32(_SC_PAGESIZE)))
    let lo = (range.lowerBound / page) * page
    let hi = min(bytes.count, range.upperBound)
    guard hi > lo else { return }
    madvise(UnsafeMutableRawPointer(mutating: base + lo), hi - lo, MADV_DONTNEED)
  }

  deinit {
    if let base = bytes.baseAddress { munmap(UnsafeMutableRawPointer(mutating: base), bytes.count) }
  }
}
