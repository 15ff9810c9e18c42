import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The reason a file could not be read, in the system's words (`Permission denied`), not
/// Foundation's `NSCocoaErrorDomain error 256`.
enum FileReadError {
  static func reason(_ error: any Error) -> String {
    let ns = error as NSError
    if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
      return String(cString: strerror(Int32(underlying.code)))
    }
    if ns.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(ns.code))) }
    switch ns.code {
    case NSFileReadNoSuchFileError, NSFileNoSuchFileError: return "no such file"
    case NSFileReadNoPermissionError: return "permission denied"
    default: return ns.domain == NSCocoaErrorDomain ? "read failed (code \(ns.code))" : "\(error)"
    }
  }
}
