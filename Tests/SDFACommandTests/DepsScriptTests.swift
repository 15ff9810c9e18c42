import Foundation
import Testing

/// `scripts/deps.sh` (`make deps`): installs only the missing Debian packages, as root
/// directly, else through a usable sudo, else prints the command for an administrator. Its
/// branches run against fake `id`, `dpkg`, `sudo` and `apt-get` on a PATH that holds nothing
/// else, which log every call: no package is installed, and the branch taken does not depend
/// on who runs the tests. A sudo that asks for a password is used only on a terminal: that
/// branch runs under util-linux `script`, which gives the script a pseudo-terminal.
@Suite struct DepsScriptTests {
  struct Outcome {
    var status: Int32
    var out: String
    var err: String
    /// The fake commands' calls, in order.
    var calls: [String]
  }

  /// `bash scripts/deps.sh packages…` with `installed` already there, as user `uid`, with a
  /// sudo that works without a password (`.passwordless`), asks for one (`.password`), or none.
  enum Sudo { case none, passwordless, password }

  /// util-linux `script`, where installed: it runs a command on a pseudo-terminal.
  static let script = ["/usr/bin/script", "/bin/script"].first { FileManager.default.isExecutableFile(atPath: $0) }

  static func run(_ packages: [String], installed: [String], uid: Int, sudo: Sudo, onATerminal: Bool = false) throws -> Outcome {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sdfa-deps-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: dir) }
    let bin = dir.appendingPathComponent("bin"), sudoBin = dir.appendingPathComponent("sudo-bin")
    let log = dir.appendingPathComponent("calls.log")
    try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
    try FileManager.default.createDirectory(at: sudoBin, withIntermediateDirectories: true)
    func fake(_ name: String, in folder: URL, _ body: String) throws {
      let file = folder.appendingPathComponent(name)
      try "#!/bin/bash\n\(body)\n".write(to: file, atomically: true, encoding: .utf8)
      try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: file.path)
    }
    try fake("id", in: bin, #"[ "$1" = -u ] && echo "$FAKE_UID""#)
    try fake("dpkg", in: bin, #"for p in $FAKE_INSTALLED; do [ "$2" = "$p" ] && exit 0; done; exit 1"#)
    // apt-get refuses, as the real one does, unless it runs as root.
    try fake("apt-get", in: bin, #"""
      echo "apt-get $*" >> "$FAKE_LOG"
      [ "$FAKE_UID" = 0 ] || [ "${FAKE_AS_ROOT:-}" = 1 ] || { echo "E: Could not open lock file - open (13: Permission denied)" >&2; exit 100; }
      """#)
    try fake("sudo", in: sudoBin, #"""
      echo "sudo $*" >> "$FAKE_LOG"
      if [ "$1" = -n ]; then shift; [ "$FAKE_SUDO" = passwordless ] || { echo "sudo: a password is required" >&2; exit 1; }; fi
      FAKE_AS_ROOT=1 "$@"
      """#)
    _ = FileManager.default.createFile(atPath: log.path, contents: nil)
    let out = dir.appendingPathComponent("out"), err = dir.appendingPathComponent("err")
    _ = FileManager.default.createFile(atPath: out.path, contents: nil)
    _ = FileManager.default.createFile(atPath: err.path, contents: nil)

    let process = Process()
    let command = [SDFAProcess.packageRoot.appendingPathComponent("scripts/deps.sh").path] + packages
    if onATerminal, let script = Self.script {
      // `script -qec CMD /dev/null`: CMD on a pseudo-terminal, its output (stderr too) on stdout.
      process.executableURL = URL(fileURLWithPath: script)
      process.arguments = ["-qec", "/bin/bash " + command.joined(separator: " "), "/dev/null"]
    } else {
      process.executableURL = URL(fileURLWithPath: "/bin/bash")
      process.arguments = command
    }
    process.environment = [
      "SHELL": "/bin/bash",
      "PATH": sudo == .none ? bin.path : "\(bin.path):\(sudoBin.path)",
      "FAKE_UID": String(uid), "FAKE_INSTALLED": installed.joined(separator: " "), "FAKE_LOG": log.path,
      "FAKE_SUDO": sudo == .passwordless ? "passwordless" : "password",
    ]
    process.standardInput = FileHandle.nullDevice  // not a terminal: sudo cannot ask
    process.standardOutput = try FileHandle(forWritingTo: out)
    process.standardError = try FileHandle(forWritingTo: err)
    try process.run()
    process.waitUntilExit()
    let calls = try String(contentsOf: log, encoding: .utf8).split(separator: "\n").map(String.init)
    return Outcome(status: process.terminationStatus, out: try String(contentsOf: out, encoding: .utf8),
                   err: try String(contentsOf: err, encoding: .utf8), calls: calls)
  }

  @Test func nothingMissingCallsNothing() throws {
    let outcome = try Self.run(["libhdf5-dev", "libsqlite3-dev"], installed: ["libhdf5-dev", "libsqlite3-dev"], uid: 1000, sudo: .passwordless)
    #expect(outcome.status == 0 && outcome.out.isEmpty && outcome.err.isEmpty)
    #expect(outcome.calls.isEmpty)
  }

  @Test func rootInstallsTheMissingOnesWithoutSudo() throws {
    let outcome = try Self.run(["libhdf5-dev", "libsqlite3-dev"], installed: ["libhdf5-dev"], uid: 0, sudo: .passwordless)
    #expect(outcome.status == 0, "\(outcome.err)")
    #expect(outcome.out.contains("missing Debian packages: libsqlite3-dev"))
    #expect(outcome.calls == ["apt-get update -qq", "apt-get install -y libsqlite3-dev"])
  }

  @Test func aUserWithPasswordlessSudoInstallsThroughSudo() throws {
    let outcome = try Self.run(["a-dev", "b-dev", "c-dev"], installed: ["b-dev"], uid: 1000, sudo: .passwordless)
    #expect(outcome.status == 0, "\(outcome.err)")
    #expect(outcome.out.contains("missing Debian packages: a-dev c-dev") && outcome.out.contains("installing them with sudo"))
    #expect(outcome.calls == [
      "sudo -n true",
      "sudo apt-get update -qq", "apt-get update -qq",
      "sudo apt-get install -y a-dev c-dev", "apt-get install -y a-dev c-dev",
    ])
  }

  @Test(arguments: [Sudo.none, Sudo.password])
  func aUserWhoCannotUseSudoGetsTheCommandToRun(sudo: Sudo) throws {
    let outcome = try Self.run(["a-dev", "c-dev"], installed: [], uid: 1000, sudo: sudo)
    #expect(outcome.status == 1)
    #expect(outcome.out.contains("missing Debian packages: a-dev c-dev"))
    #expect(outcome.err.contains("cannot install them (not root, and no usable sudo)"))
    #expect(outcome.err.contains("sudo apt-get update && sudo apt-get install -y a-dev c-dev"))
    // Nothing was installed; a sudo that needs a password was only asked whether it does.
    #expect(outcome.calls == (sudo == .password ? ["sudo -n true"] : []))
  }

  @Test(.enabled(if: script != nil, "util-linux script is not installed: the terminal branch of deps.sh is not run"))
  func aUserWhoseSudoAsksForAPasswordOnATerminalInstallsThroughSudo() throws {
    let outcome = try Self.run(["a-dev", "c-dev"], installed: [], uid: 1000, sudo: .password, onATerminal: true)
    #expect(outcome.status == 0, "\(outcome.out)")
    #expect(outcome.out.contains("installing them with sudo"), "\(outcome.out)")
    // The fake sudo lets the command through, as after the password was typed.
    #expect(outcome.calls == [
      "sudo -n true",
      "sudo apt-get update -qq", "apt-get update -qq",
      "sudo apt-get install -y a-dev c-dev", "apt-get install -y a-dev c-dev",
    ])
  }
}
