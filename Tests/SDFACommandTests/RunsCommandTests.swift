import Foundation
import Testing

/// `sdfa runs`: every run of a cache shared by two specs, with metrics from the index;
/// `--where`, `--sort`, `--format json|csv`, `--diff`, and the backfill of older caches.
@Suite(.serialized) struct RunsCommandTests {
  /// alpha sweeps method × tau (4 runs, with the hardware stages); beta sweeps the hidden size
  /// (2 runs), and its hidden=32 point is exactly alpha's method=sdfa/tau=2 training.
  static func spec(_ name: String, sweep: String, hardware: Bool) -> String {
    """
    name: \(name)
    seeds: 1
    dataset: {kind: synthetic, like: nmnist, train: 64, test: 32, events_per_sample: 600}
    frames: {T: 4, split_by: number}
    model: {arch: mlp, hidden: [32], neuron: {type: lif, tau: 2.0}}
    train: {method: sdfa, epochs: 2, batch_size: 16, optimizer: {type: adam, lr: 1.0e-2}}
    \(hardware ? "hardware: {technology: rram-32nm}" : "")
    report: {formats: [md]}
    sweep: \(sweep)
    """
  }

  /// The technology file the hardware section names, beside the specs.
  static func copyTechnology(to scratch: Scratch) throws {
    let file = SDFAProcess.packageRoot.appendingPathComponent("experiments/hardware/rram-32nm.yml")
    try scratch.write(Array(try Data(contentsOf: file)), to: "hardware/rram-32nm.yml")
  }

  static func makeCache(_ scratch: Scratch) throws -> SDFAProcess.Result {
    try copyTechnology(to: scratch)
    try scratch.write(Array(spec("alpha", sweep: "{train.method: [bp, sdfa], model.neuron.tau: [2.0, 4.0]}", hardware: true).utf8), to: "alpha.yml")
    try scratch.write(Array(spec("beta", sweep: "{model.hidden: [[32], [16]]}", hardware: false).utf8), to: "beta.yml")
    return try SDFAProcess.run(["run", "alpha.yml", "beta.yml"], in: scratch.url)
  }

  static func json(_ text: String) throws -> [[String: Any]] {
    try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]], "not a JSON list: \(text.prefix(300))")
  }

  static func runsJSON(_ arguments: [String], in scratch: Scratch) throws -> [[String: Any]] {
    let result = try SDFAProcess.run(["runs", "--format", "json"] + arguments, in: scratch.url)
    #expect(result.status == 0, "\(result.err)")
    return try json(result.out)
  }

  static func curve(_ run: [String: Any], _ name: String) -> [Double] {
    (((run["metrics"] as? [String: Any])?["train"] as? [String: Any])?["curves"] as? [String: Any])?[name] as? [Double] ?? []
  }

  static func metric(_ run: [String: Any], _ kind: String, _ name: String) -> Double? {
    ((run["metrics"] as? [String: Any])?[kind] as? [String: Any])?[name] as? Double
  }

  @Test func listsEveryRunOfASharedCacheFiltersSortsAndDiffs() throws {
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    let run = try Self.makeCache(scratch)
    #expect(run.status == 0, "\(run.err)")
    // The headline after the run: best accuracy pivoted by method, one row per tau.
    #expect(run.out.contains("best test accuracy (%) by method:"), "\(run.out)")
    #expect(run.out.contains("tau=2") && run.out.contains("tau=4") && run.out.contains("bp") && run.out.contains("sdfa"), "\(run.out)")

    // beta sweeps no method: one line per point.
    #expect(run.out.contains("best test accuracy (%):\n    hidden=32  ") && run.out.contains("\n    hidden=16  "), "\(run.out)")

    let table = try SDFAProcess.run(["runs"], in: scratch.url)
    #expect(table.status == 0, "\(table.err)")
    #expect(!table.err.contains("recorded the metrics"), "the stages recorded their metrics when they committed: \(table.err)")
    #expect(table.out.contains("6 runs of 2 specs"), "\(table.out)")
    let lines = table.out.split(separator: "\n")
    #expect(lines.first?.contains("best_test_accuracy") == true && lines.first?.contains("pipesdfa_epoch_joules") == true, "\(table.out)")
    #expect(lines.filter { $0.hasPrefix("alpha ") }.count == 4 && lines.filter { $0.hasPrefix("beta ") }.count == 2, "\(table.out)")

    let all = try Self.runsJSON([], in: scratch)
    #expect(all.count == 6)
    #expect(Set(all.compactMap { $0["point"] as? String }) == [
      "method=bp/tau=2/seed=0", "method=bp/tau=4/seed=0", "method=sdfa/tau=2/seed=0", "method=sdfa/tau=4/seed=0",
      "hidden=32/seed=0", "hidden=16/seed=0",
    ])
    // Every run's metrics equal what its training artifact recorded (results/ links to it).
    for entry in all {
      let spec = try #require(entry["spec"] as? String), point = try #require(entry["point"] as? String)
      let file = scratch.url.appendingPathComponent("results/\(spec)/train/\(point)/metrics.json")
      let epochs = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [[String: Any]])
      let accuracies = epochs.compactMap { $0["testAccuracy"] as? Double }
      #expect(accuracies.count == 2)
      #expect(Self.curve(entry, "test_accuracy") == accuracies, "\(spec) \(point)")
      #expect(Self.curve(entry, "train_loss") == epochs.compactMap { $0["trainLoss"] as? Double })
      #expect(Self.metric(entry, "train", "best_test_accuracy") == accuracies.max())
      #expect(Self.metric(entry, "train", "final_test_accuracy") == accuracies.last)
      #expect((Self.metric(entry, "energy", "pipesdfa_epoch_joules") ?? 0) > 0 || spec == "beta")
    }
    // Each run's chain is its own, even where two points' artifacts are byte-identical.
    for entry in all { #expect((entry["keys"] as? [String: String])?["train"] == entry["key"] as? String) }
    let mapKeys = all.compactMap { ($0["keys"] as? [String: String])?["map"] }
    #expect(mapKeys.count == 4 && Set(mapKeys).count == 4)
    // The shared training is listed under both specs, with one key.
    let shared = all.filter { ($0["point"] as? String) == "method=sdfa/tau=2/seed=0" || ($0["point"] as? String) == "hidden=32/seed=0" }
    #expect(shared.count == 2 && Set(shared.compactMap { $0["key"] as? String }).count == 1)

    // --where: text and numeric comparisons, over params and over axes; all must hold.
    let sdfaTau4 = try Self.runsJSON(["--where", "train.method=sdfa", "--where", "model.neuron.tau>=3"], in: scratch)
    #expect(sdfaTau4.compactMap { $0["point"] as? String } == ["method=sdfa/tau=4/seed=0"])
    #expect(try Self.runsJSON(["--where", "model.neuron.tau>=2"], in: scratch).count == 6)
    #expect(try Self.runsJSON(["--where", "model.neuron.tau<4", "--where", "spec!=beta"], in: scratch).count == 2)
    #expect(try Self.runsJSON(["--where", "hidden=16"], in: scratch).compactMap { $0["spec"] as? String } == ["beta"])
    let wrong = try SDFAProcess.run(["runs", "--where", "train.metod=sdfa"], in: scratch.url)
    #expect(wrong.status != 0 && wrong.err.contains("'train.metod', which no listed run has"), "\(wrong.err)")

    // --sort and --columns (CSV).
    let sorted = try Self.runsJSON(["--sort", "best_test_accuracy:desc", "--columns", "spec,point,best_test_accuracy"], in: scratch)
    let values = sorted.compactMap { $0["best_test_accuracy"] as? Double }
    #expect(values.count == 6 && values == values.sorted(by: >) && sorted.allSatisfy { $0.count == 3 })
    let csv = try SDFAProcess.run(["runs", "--format", "csv", "--columns", "spec,point,tau,final_test_accuracy"], in: scratch.url)
    let rows = csv.out.split(separator: "\r\n")
    #expect(rows.count == 7 && rows[0] == "spec,point,tau,final_test_accuracy", "\(csv.out)")
    #expect(rows.contains { $0.hasPrefix("alpha,method=bp/tau=4/seed=0,4,") } && rows.contains { $0.hasPrefix("beta,hidden=16/seed=0,,") })

    // --diff names exactly the params that differ: by spec:point, and by key prefix.
    let byPoint = try SDFAProcess.run(["runs", "--format", "json", "--diff", "alpha:method=bp/tau=2/seed=0", "alpha:method=sdfa/tau=4/seed=0"], in: scratch.url)
    #expect(byPoint.status == 0, "\(byPoint.err)")
    let diff = try #require(JSONSerialization.jsonObject(with: Data(byPoint.out.utf8)) as? [String: Any])
    let params = try #require(diff["params"] as? [String: [Any]])
    #expect(Set(params.keys) == ["train.method", "model.neuron.tau"], "\(byPoint.out)")
    #expect(params["train.method"]?.compactMap { $0 as? String } == ["bp", "sdfa"])
    #expect(params["model.neuron.tau"]?.compactMap { $0 as? Double } == [2, 4])
    func key(_ point: String) throws -> String {
      String(try #require(all.first { ($0["point"] as? String) == point }?["key"] as? String).prefix(10))
    }
    let byKey = try SDFAProcess.run(["runs", "--diff", key("method=bp/tau=2/seed=0"), key("method=bp/tau=4/seed=0")], in: scratch.url)
    #expect(byKey.status == 0, "\(byKey.err)")
    let diffLines = byKey.out.split(separator: "\n").filter { !$0.hasPrefix("A ") && !$0.hasPrefix("B ") && !$0.hasPrefix("param") }
    #expect(diffLines.map { $0.split(separator: " ").map(String.init) } == [["model.neuron.tau", "2", "4"]], "\(byKey.out)")
    // Across specs: beta has no hardware section (one folded line), and its hidden size differs.
    let across = try SDFAProcess.run(["runs", "--diff", "alpha:method=sdfa/tau=4/seed=0", "beta:hidden=16/seed=0"], in: scratch.url)
    let acrossLines = across.out.split(separator: "\n").filter { !$0.hasPrefix("A ") && !$0.hasPrefix("B ") && !$0.hasPrefix("param") }
    let words = acrossLines.map { $0.split(separator: " ").map(String.init) }
    #expect(words.map(\.first) == ["hardware.*", "model.hidden", "model.neuron.tau"], "\(across.out)")
    #expect(words.first?.last == "—" && words.dropFirst() == [["model.hidden", "[32]", "[16]"], ["model.neuron.tau", "4", "2"]])
  }

  /// The first `python3` on PATH (where pip installs for the user), else the system's.
  static let python = ProcessInfo.processInfo.environment["PATH"].flatMap { path in
    path.split(separator: ":").map { "\($0)/python3" }.first { FileManager.default.isExecutableFile(atPath: $0) }
  } ?? ["/usr/bin/python3", "/usr/local/bin/python3"].first { FileManager.default.isExecutableFile(atPath: $0) }

  /// Runs a Python script; returns its status and output.
  static func runPython(_ script: String, arguments: [String] = [], environment: [String: String] = [:]) throws -> (Int32, String, String) {
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    try scratch.write(Array(script.utf8), to: "script.py")
    let process = Process()
    process.executableURL = URL(fileURLWithPath: python ?? "/usr/bin/python3")
    process.arguments = [scratch.url.appendingPathComponent("script.py").path] + arguments
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, b in b }
    let out = scratch.url.appendingPathComponent("out"), err = scratch.url.appendingPathComponent("err")
    _ = FileManager.default.createFile(atPath: out.path, contents: nil)
    _ = FileManager.default.createFile(atPath: err.path, contents: nil)
    process.standardOutput = try FileHandle(forWritingTo: out)
    process.standardError = try FileHandle(forWritingTo: err)
    try process.run()
    process.waitUntilExit()
    return (process.terminationStatus, try String(contentsOf: out, encoding: .utf8), try String(contentsOf: err, encoding: .utf8))
  }

  static let hasPython = python != nil

  @Test(.enabled(if: hasPython, "python3 is not installed: the backfill test (which drops the metrics table with Python's sqlite3) is skipped"))
  func backfillsMetricsOfStagesThatPredateTheTable() throws {
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    try scratch.write(Array(Self.spec("alpha", sweep: "{train.method: [bp, sdfa]}", hardware: false).utf8), to: "alpha.yml")
    let run = try SDFAProcess.run(["run", "alpha.yml", "-q"], in: scratch.url)
    #expect(run.status == 0, "\(run.err)")
    let before = try SDFAProcess.run(["runs", "--format", "json"], in: scratch.url)
    // An index as the tool wrote it before the runs database: no metrics table.
    let drop = try Self.runPython("import sqlite3, sys\nc = sqlite3.connect(sys.argv[1])\nc.execute('DROP TABLE metrics')\nc.commit()\n",
                                  arguments: [scratch.url.appendingPathComponent(".sdfa/index.sqlite").path])
    #expect(drop.0 == 0, "\(drop.2)")
    let after = try SDFAProcess.run(["runs", "--format", "json"], in: scratch.url)
    #expect(after.status == 0 && after.err.contains("recorded the metrics of 2 stages from their artifacts"), "\(after.err)")
    #expect(after.out == before.out)
    #expect(try Self.json(after.out).count == 2)
    let again = try SDFAProcess.run(["runs", "--format", "json"], in: scratch.url)
    #expect(again.err.isEmpty && again.out == before.out, "the backfill runs once: \(again.err)")
  }

  @Test func readsWithoutCreatingACache() throws {
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    let result = try SDFAProcess.run(["runs"], in: scratch.url)
    #expect(result.status == 1 && result.err.contains("no cache at .sdfa"), "\(result.err)")
    #expect(!FileManager.default.fileExists(atPath: scratch.url.appendingPathComponent(".sdfa").path))
  }
}
