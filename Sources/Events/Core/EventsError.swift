/// An error from reading or writing event data, naming the file and where in it things went wrong.
///
/// Its description reads like a compiler diagnostic:
/// `Test/3/00123.bin: byte 40960: truncated event (3 of 5 bytes)`.
public struct EventsError: Error, CustomStringConvertible, Equatable, Sendable {
  /// Where in the file the problem was found.
  public enum Location: Equatable, Sendable {
    /// No finer location than the file itself.
    case file
    /// A byte offset from the start of the (decompressed) file.
    case byte(Int)
    /// A sample index within the file or dataset.
    case sample(Int)
    /// A 1-based line of a text file.
    case line(Int)
  }

  /// The file (or archive member, `archive.zip/member`) the problem is in.
  public var file: String
  /// Where in `file`.
  public var location: Location
  /// What is wrong, in words.
  public var message: String

  public init(file: String, _ location: Location = .file, _ message: String) {
    self.file = file
    self.location = location
    self.message = message
  }

  public init(file: String, _ message: String) {
    self.init(file: file, .file, message)
  }

  public var description: String {
    switch location {
    case .file: return "\(file): error: \(message)"
    case .byte(let offset): return "\(file): byte \(offset): error: \(message)"
    case .sample(let index): return "\(file): sample \(index): error: \(message)"
    case .line(let line): return "\(file):\(line): error: \(message)"
    }
  }
}
