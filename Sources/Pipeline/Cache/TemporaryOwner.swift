import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Who made a temporary or trash folder: `<pid>-<n>-<random>@<host>@<boot id>`.
///
/// A shared cache (NFS, a Slurm cluster's file system) holds folders of processes on several
/// hosts: a pid means something only on its own host and only since that host's last boot.
/// So a folder is removed as abandoned only by a process on the same host, and only when its
/// pid is gone or the host has rebooted since; other hosts' folders are left to their owners
/// (`sdfa verify` lists stale ones, `sdfa gc` removes those older than a day).
public struct TemporaryOwner: Sendable, Equatable {
  public var pid: Int32
  public var host: String
  public var boot: String

  /// This process.
  public static let current = TemporaryOwner(pid: getpid(), host: currentHost(), boot: currentBoot())

  /// A folder name owned by this owner (`n` keeps names of one process apart).
  public func name(_ n: Int) -> String {
    "\(pid)-\(n)-\(UInt32.random(in: 0...UInt32.max))@\(host)@\(boot)"
  }

  /// The owner a folder name records; nil for names without one (older sdfa versions wrote
  /// `<pid>-<n>-<random>`, which says nothing about the host).
  public init?(folderName: String) {
    let parts = folderName.split(separator: "@", omittingEmptySubsequences: false)
    guard parts.count == 3, let pid = Int32(parts[0].split(separator: "-").first ?? "") else { return nil }
    self.init(pid: pid, host: String(parts[1]), boot: String(parts[2]))
  }

  public init(pid: Int32, host: String, boot: String) {
    self.pid = pid
    self.host = host
    self.boot = boot
  }

  /// Whether the owning process is certainly gone: same host, and either another boot or no
  /// such pid. For another host's folder this is false (it cannot be known from here).
  public var isCertainlyGone: Bool {
    let me = Self.current
    guard host == me.host else { return false }
    if boot != me.boot { return true }
    guard pid != me.pid else { return false }
    return kill(pid, 0) != 0 && errno == ESRCH
  }

  /// The host name, without `@` or `/` (it becomes part of a folder name).
  static func currentHost() -> String {
    var buffer = [CChar](repeating: 0, count: 256)
    let name = gethostname(&buffer, buffer.count) == 0
      ? String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : "unknown-host"
    let cleaned = name.map { $0 == "@" || $0 == "/" ? "_" : $0 }
    return cleaned.isEmpty ? "unknown-host" : String(cleaned)
  }

  /// Linux's boot id (changes at every boot); elsewhere the boot time.
  static func currentBoot() -> String {
    if let id = try? String(contentsOfFile: "/proc/sys/kernel/random/boot_id", encoding: .utf8) {
      let trimmed = id.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "-", with: "")
      if !trimmed.isEmpty { return String(trimmed.prefix(12)) }
    }
    let booted = Date().timeIntervalSince1970 - ProcessInfo.processInfo.systemUptime
    return "t\(Int(booted / 60))"
  }
}
