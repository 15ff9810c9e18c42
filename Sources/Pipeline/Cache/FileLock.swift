import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// How a process waits for a lock another one holds.
public struct LockWaitPolicy: Sendable {
  /// Give up after this many seconds (nil: wait as long as it takes).
  public var timeout: TimeInterval?
  /// Say who holds the lock every this many seconds while waiting.
  public var reportEvery: TimeInterval
  /// Receives the waiting notices (the CLI prints them; the library never does).
  public var notice: @Sendable (String) -> Void

  public init(timeout: TimeInterval? = nil, reportEvery: TimeInterval = 5, notice: @escaping @Sendable (String) -> Void = { _ in }) {
    self.timeout = timeout
    self.reportEvery = reportEvery
    self.notice = notice
  }
}

/// A POSIX record lock on a file (also across hosts on a shared file system), held until
/// `unlock()` or process exit (the kernel releases it even after SIGKILL).
///
/// The holder of an exclusive lock writes who it is into the file (`host pid what`), so a
/// waiter can say whom it waits for. Waiting polls with backoff (a blocking `F_SETLKW` reports
/// EDEADLK when two processes, each holding locks on several threads, wait for each other's
/// keys), checks `isCancelled` at every step (Ctrl-C stops a waiting stage at once) and gives
/// up after the policy's timeout.
public final class FileLock: @unchecked Sendable {
  public enum Mode: Sendable { case shared, exclusive }
  private var fd: Int32
  public let path: String

  /// - Parameter what: what the lock protects, for messages (`stage train seed=2`, `the cache`).
  public init(
    path: String, mode: Mode = .exclusive, what: String, policy: LockWaitPolicy = LockWaitPolicy(),
    isCancelled: @Sendable () -> Bool = { false }
  ) throws {
    self.path = path
    fd = open(path, O_RDWR | O_CREAT, 0o644)
    guard fd >= 0 else { throw StageFailure("cannot open the lock \(path): \(IOErrorText.errnoText)") }
    var lock = flock()
    lock.l_type = Int16(mode == .shared ? F_RDLCK : F_WRLCK)
    lock.l_whence = Int16(SEEK_SET)
    let started = Date()
    var lastReport = started
    var pause: useconds_t = 2_000
    while fcntl(fd, F_SETLK, &lock) != 0 {
      let code = errno
      guard code == EAGAIN || code == EACCES || code == EINTR || code == EDEADLK else {
        close(fd)
        throw StageFailure("cannot lock \(path): \(String(cString: strerror(code)))")
      }
      if isCancelled() {
        close(fd)
        throw CancellationError()
      }
      let waited = Date().timeIntervalSince(started)
      if let timeout = policy.timeout, waited >= timeout {
        let holder = holderDescription(mode: mode)
        close(fd)
        throw StageFailure("gave up after \(Int(waited)) s waiting for the lock of \(what), held by \(holder) (--lock-timeout)")
      }
      if Date().timeIntervalSince(lastReport) >= policy.reportEvery {
        lastReport = Date()
        policy.notice("waiting \(Int(waited)) s for the lock of \(what), held by \(holderDescription(mode: mode)); Ctrl-C stops, --lock-timeout gives up")
      }
      usleep(pause)
      pause = min(pause * 2, 50_000)
    }
    if mode == .exclusive {
      let me = TemporaryOwner.current
      let text = Data("\(me.host) \(me.pid) \(what)\n".utf8)
      _ = ftruncate(fd, 0)
      _ = text.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
    }
  }

  /// Who holds the lock, as well as can be told: the holder's own note (host, pid, what) when
  /// it wrote one, else the pid the kernel reports.
  private func holderDescription(mode: Mode) -> String {
    var probe = flock()
    probe.l_type = Int16(mode == .shared ? F_RDLCK : F_WRLCK)
    probe.l_whence = Int16(SEEK_SET)
    let pid: Int32? = fcntl(fd, F_GETLK, &probe) == 0 && probe.l_type != Int16(F_UNLCK) ? probe.l_pid : nil
    var buffer = [UInt8](repeating: 0, count: 512)
    let n = pread(fd, &buffer, buffer.count, 0)
    let note = n > 0 ? String(decoding: buffer[..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : ""
    let parts = note.split(separator: " ", maxSplits: 2).map(String.init)
    if probe.l_type == Int16(F_WRLCK), parts.count == 3, pid == nil || pid == Int32(parts[1]) || pid == 0 {
      return "\(parts[2]) (pid \(parts[1]) on \(parts[0]))"
    }
    if let pid, pid > 0 { return "pid \(pid)\(probe.l_type == Int16(F_RDLCK) ? " (a run)" : "")" }
    return "another process (on this or another host)"
  }

  public func unlock() {
    guard fd >= 0 else { return }
    close(fd)
    fd = -1
  }

  deinit { unlock() }
}

/// The exclusive per-key lock of a stage.
public typealias KeyLock = FileLock

extension ArtifactStore {
  /// Takes the exclusive per-key lock, waiting for another holder (another thread or process,
  /// also on a shared file system through POSIX record locks). Released by `unlock`.
  public func lock(
    _ key: String, what: String? = nil, policy: LockWaitPolicy = LockWaitPolicy(), isCancelled: @Sendable () -> Bool = { false }
  ) throws -> KeyLock {
    try FileLock(path: root.appendingPathComponent("locks/\(key).lock").path, what: what ?? key, policy: policy, isCancelled: isCancelled)
  }

  /// The cache-wide lock: every run holds it shared for as long as it runs; `gc` and
  /// `verify --repair` hold it exclusive, so they never delete what a live run reads or
  /// writes (its inputs, its temporary and resume folders).
  public func lockCache(
    _ mode: FileLock.Mode, policy: LockWaitPolicy = LockWaitPolicy(), isCancelled: @Sendable () -> Bool = { false }
  ) throws -> FileLock {
    try FileManager.default.createDirectory(at: root.appendingPathComponent("locks"), withIntermediateDirectories: true)
    return try FileLock(
      path: root.appendingPathComponent("locks/cache.lock").path, mode: mode,
      what: mode == .shared ? "the cache (sdfa gc or verify --repair is cleaning it)" : "the cache (runs are using it)",
      policy: policy, isCancelled: isCancelled)
  }
}
