import Foundation
import Logging

/// Log lines as sdfa writes them, to a stage's log file and to the terminal: an ISO 8601 time
/// stamp in UTC, the level, the message (`2026-12-02T13:45:01.123Z info     epoch 3/5 …`).
/// Built on swift-log, so a stage logs through an ordinary `Logger` at any level, and the
/// level that reaches the file or the terminal is chosen once (`SDFA_LOG_LEVEL`, `--verbose`,
/// `--quiet`).
public enum LogLines {
  /// The level in effect when nothing says otherwise.
  public static let defaultLevel: Logger.Level = .info

  /// The level `SDFA_LOG_LEVEL` names (`trace`, `debug`, `info`, `notice`, `warning`,
  /// `error`, `critical`), if it names one.
  public static func level(environment: [String: String] = ProcessInfo.processInfo.environment) -> Logger.Level? {
    environment["SDFA_LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0.lowercased()) }
  }

  /// `2026-12-02T13:45:01.123Z info     message`.
  public static func format(_ level: Logger.Level, _ message: String, at date: Date = Date()) -> String {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    let stamp = formatter.string(from: date)
    return "\(stamp) \(level.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)) \(message)"
  }

  /// A logger that appends formatted lines to `handle` (nil: a logger that drops everything).
  /// A write that fails (disk full) goes to `onFailure`, never traps.
  public static func logger(
    label: String, writingTo handle: FileHandle?, level: Logger.Level? = nil,
    onFailure: (@Sendable (any Error) -> Void)? = nil
  ) -> Logger {
    var logger = Logger(label: label) { _ in LineHandler(handle: handle, onFailure: onFailure) }
    logger.logLevel = level ?? Self.level() ?? defaultLevel
    return logger
  }

  /// Writes each record as one formatted line; metadata follows the message as `key=value`.
  public struct LineHandler: LogHandler {
    let handle: FileHandle?
    let onFailure: (@Sendable (any Error) -> Void)?
    public var logLevel: Logger.Level = LogLines.defaultLevel
    public var metadata: Logger.Metadata = [:]

    public init(handle: FileHandle?, onFailure: (@Sendable (any Error) -> Void)? = nil) {
      self.handle = handle
      self.onFailure = onFailure
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
      get { metadata[key] }
      set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
      guard let handle else { return }
      let all = metadata.merging(event.metadata ?? [:]) { $1 }
      let suffix = all.isEmpty ? "" : " " + all.keys.sorted().map { "\($0)=\(all[$0]!)" }.joined(separator: " ")
      do {
        try handle.write(contentsOf: Data((LogLines.format(event.level, "\(event.message)" + suffix) + "\n").utf8))
      } catch {
        onFailure?(error)
      }
    }
  }
}
