import Foundation
import Testing

/// Project roots: every command finds the nearest `.sdfa/` from the spec's folder or the
/// current one; `--cache` and `SDFA_CACHE` override it; read-only commands create nothing.
@Suite(.serialized) struct ProjectTests {
  static let spec = """
    name: p
    dataset: {kind: synthetic, like: nmnist, train: 40, test: 20, events_per_sample: 200}
    frames: {T: 3}
    """

  static func run(_ arguments: [String], in directory: URL, environment extra: [String: String] = [:]) throws -> SDFAProcess.Result {
    let environment = SDFAProcess.environment.merging(extra) { $1 }
    let out = directory.appendingPathComponent("../.out-\(UUID().uuidString)").standardizedFileURL
    let err = directory.appendingPathComponent("../.err-\(UUID().uuidString)").standardizedFileURL
    _ = FileManager.default.createFile(atPath: out.path, contents: nil)
    _ = FileManager.default.createFile(atPath: err.path, contents: nil)
    defer { try? FileManager.default.removeItem(at: out); try? FileManager.default.removeItem(at: err) }
    let process = Process()
    process.executableURL = SDFAProcess.executable
    process.arguments = arguments
    process.currentDirectoryURL = directory
    process.environment = environment
    process.standardOutput = try FileHandle(forWritingTo: out)
    process.standardError = try FileHandle(forWritingTo: err)
    try process.run()
    process.waitUntilExit()
    let bytes = try Data(contentsOf: out)
    return .init(status: process.terminationStatus, out: String(decoding: bytes, as: UTF8.self),
                 err: String(decoding: try Data(contentsOf: err), as: UTF8.self), outBytes: bytes)
  }

  @Test func commandsFromAboveOrBelowUseTheProjectsCacheAndResults() throws {
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    let project = scratch.url.appendingPathComponent("proj")
    let deep = project.appendingPathComponent("notes/deep")
    try FileManager.default.createDirectory(at: deep, withIntermediateDirectories: true)
    #expect(try Self.run(["init"], in: project).status == 0)
    try scratch.write(Array(Self.spec.utf8), to: "proj/specs/p.yml")
    // Run from a subfolder of the project: cache and results at the project's root.
    let ran = try Self.run(["run", "../../specs/p.yml"], in: deep)
    #expect(ran.status == 0, "\(ran.err)")
    #expect(ran.out.contains("results: ../../results/p/"), "\(ran.out)")
    #expect(FileManager.default.fileExists(atPath: project.appendingPathComponent("results/p/bin.log").path))
    #expect(!FileManager.default.fileExists(atPath: deep.appendingPathComponent(".sdfa").path))
    // From above the project, through the spec's folder; nothing is created up there.
    let above = try Self.run(["status", "proj/specs/p.yml", "--all", "--verbose"], in: scratch.url)
    #expect(above.status == 0 && above.out.contains("cached   load") && above.out.contains("cached   bin"), "\(above.out)")
    #expect(above.err.contains(" debug    project \(project.standardizedFileURL.path);"), "\(above.err)")
    #expect(!FileManager.default.fileExists(atPath: scratch.url.appendingPathComponent(".sdfa").path))
    // SDFA_CACHE and --cache override the project's cache; reading one that does not exist
    // reports everything missing and creates nothing.
    for (arguments, environment) in [(["--cache", "elsewhere"], [:]), ([], ["SDFA_CACHE": "elsewhere"])] {
      let other = try Self.run(["status", "specs/p.yml"] + arguments, in: project, environment: environment)
      #expect(other.status == 0 && other.out.contains("missing  load"), "\(other.out)")
      #expect(!FileManager.default.fileExists(atPath: project.appendingPathComponent("elsewhere").path))
    }
  }

  /// `sdfa runs SPEC` reads the cache of the spec's project, as `status` does, from any folder.
  @Test func runsFromOutsideTheProjectReadsTheSpecsProject() throws {
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    let project = scratch.url.appendingPathComponent("proj")
    try FileManager.default.createDirectory(at: project, withIntermediateDirectories: true)
    #expect(try Self.run(["init"], in: project).status == 0)
    try scratch.write(Array((Self.spec + """

      model: {arch: mlp, hidden: [8]}
      train: {method: sdfa, epochs: 1, batch_size: 20}
      """).utf8), to: "proj/specs/t.yml")
    let ran = try Self.run(["run", "proj/specs/t.yml"], in: scratch.url)
    #expect(ran.status == 0, "\(ran.err)")
    let runs = try Self.run(["runs", "proj/specs/t.yml", "--format", "csv", "--columns", "spec,point"], in: scratch.url)
    #expect(runs.status == 0, "\(runs.err)")
    #expect(runs.out.split(whereSeparator: \.isNewline).dropFirst().map(String.init) == ["p,seed=0"], "\(runs.out)\n\(runs.err)")
    #expect(!FileManager.default.fileExists(atPath: scratch.url.appendingPathComponent(".sdfa").path))
  }

  @Test func logPrintsAStagesLogByLabelOrKey() throws {
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    try scratch.write(Array(Self.spec.utf8), to: "p.yml")
    #expect(try Self.run(["init", "."], in: scratch.url).status == 0)
    #expect(try Self.run(["run", "p.yml"], in: scratch.url).status == 0)
    let byLabel = try Self.run(["log", "bin"], in: scratch.url)
    #expect(byLabel.status == 0, "\(byLabel.err)")
    #expect(byLabel.out.hasPrefix("# bin\n# key "))
    let key = try #require(byLabel.out.components(separatedBy: "\n")[1].split(separator: " ").last.map(String.init))
    let byKey = try Self.run(["log", String(key.prefix(10))], in: scratch.url)
    #expect(byKey.out == byLabel.out)
    let linked = try String(contentsOf: scratch.url.appendingPathComponent("results/p/bin.log"), encoding: .utf8)
    #expect(linked == byLabel.out)
    let unknown = try Self.run(["log", "bin seed=9"], in: scratch.url)
    #expect(unknown.status == 2 && unknown.err.contains("no stage labelled 'bin seed=9'") && unknown.err.contains("labels that ran: bin"))
  }
}
