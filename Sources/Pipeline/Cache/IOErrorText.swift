import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// File-system errors in words a user can act on: the path and the system's reason
/// (`/data/x.npz: Permission denied`), never `NSCocoaErrorDomain error 256`.
public enum IOErrorText {
  /// The path and the reason of a Foundation or POSIX error; other errors as they describe
  /// themselves.
  public static func describe(_ error: any Error) -> String {
    let ns = error as NSError
    guard ns.domain == NSCocoaErrorDomain || ns.domain == NSPOSIXErrorDomain else { return "\(error)" }
    let path = (ns.userInfo[NSFilePathErrorKey] as? String) ?? (ns.userInfo[NSURLErrorKey] as? URL)?.path
    var code: Int32?
    if ns.domain == NSPOSIXErrorDomain { code = Int32(ns.code) }
    if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
      code = Int32(underlying.code)
    }
    // Foundation on Linux often keeps no errno (code 256, "unknown"): ask the system again.
    let reason = code.map { String(cString: strerror($0)) } ?? path.flatMap(readFailure) ?? cocoaReason(ns.code)
    return path.map { "\($0): \(reason)" } ?? reason
  }

  /// Why `path` cannot be read (the system's words), or "unknown reason".
  public static func reason(reading path: String) -> String {
    readFailure(path) ?? "unknown reason"
  }

  /// The system's reason why opening or reading `path` fails now; nil when it reads.
  static func readFailure(_ path: String) -> String? {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { return errnoText }
    defer { close(fd) }
    var byte: UInt8 = 0
    return read(fd, &byte, 1) < 0 ? errnoText : nil
  }

  /// The system's text for the current `errno`.
  public static var errnoText: String { String(cString: strerror(errno)) }

  private static func cocoaReason(_ code: Int) -> String {
    switch code {
    case NSFileNoSuchFileError, NSFileReadNoSuchFileError: "no such file"
    case NSFileReadNoPermissionError, NSFileWriteNoPermissionError: "permission denied"
    case NSFileWriteOutOfSpaceError: "no space left on the device"
    case NSFileWriteVolumeReadOnlyError: "the volume is read-only"
    case NSFileWriteFileExistsError: "it already exists"
    case NSFileReadCorruptFileError: "the file is corrupt or not in the expected format"
    case NSFileReadInapplicableStringEncodingError: "the file is not valid UTF-8 text"
    default: "file operation failed (code \(code))"
    }
  }
}
