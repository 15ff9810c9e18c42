import Foundation
import Pipeline
import ToyStages
import TestSupport

/// A fresh directory under the system's temporary directory, removed by `cleanup()`.
struct Scratch {
  let url: URL

  init() throws {
    url = FileManager.default.temporaryDirectory.appendingPathComponent("sdfa-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  }

  func write(_ name: String, _ text: String) throws -> String {
    let file = url.appendingPathComponent(name)
    try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
    try text.write(to: file, atomically: true, encoding: .utf8)
    return file.path
  }

  var cache: URL { url.appendingPathComponent(".sdfa") }

  func cleanup() { try? FileManager.default.removeItem(at: url) }
}

/// The toy spec with the benchmark's DAG shape: `configs` sweep points with their own
/// load/bin, `seeds` seeds each for train/map/energy, one report.
func toySpec(configs: Int, seeds: Int, scaleOf3: Double = 4, work: String = "", extra: String = "") -> String {
  var text = """
    name: toy
    seeds: \(seeds)
    dataset: {scale: 1\(work)}
    frames: {bins: 10\(work)}
    train: {lr: 0.01\(work)}
    hardware: {hw: hw0, vdd: 0.8\(work)}
    \(extra)
    sweep:
      dataset:

    """
  for c in 0..<configs {
    let scale = c == 3 ? scaleOf3 : Double(1 + c % 3)
    text += "    c\(String(format: "%03d", c)): {config: c\(c), scale: \(SpecValue.formatNumber(scale))\(work)}\n"
  }
  return text
}

func loadToy(_ path: String, seeds: Int? = nil, set: [String] = []) throws -> Spec {
  try Spec.load(path, registry: toyRegistry, overrides: .init(seedCount: seeds, assignments: set))
}

/// Runs a graph in-process and returns the summary.
func runToy(_ spec: Spec, cache: URL, options: RunOptions = RunOptions(jobs: 2)) throws -> RunSummary {
  let runner = try Runner(cache: cache, registry: toyRegistry)
  return runner.run(StageGraph(spec: spec, registry: toyRegistry), options: options)
}

/// Labels of the nodes that ran.
func ranLabels(_ summary: RunSummary) -> [String] {
  zip(summary.labels, summary.outcomes).compactMap { label, o in if case .ran = o { label } else { nil } }
}

/// The `sdfa-toy` executable next to the test bundle.
var toyExecutable: URL { builtExecutable("sdfa-toy") }

/// A started `sdfa-toy` process with its output captured to files.
final class ToyProcess {
  let process = Process()
  let stdout: URL
  let stderr: URL

  init(_ arguments: [String], in directory: URL, tag: String = UUID().uuidString) throws {
    stdout = directory.appendingPathComponent("out-\(tag).txt")
    stderr = directory.appendingPathComponent("err-\(tag).txt")
    _ = FileManager.default.createFile(atPath: stdout.path, contents: nil)
    _ = FileManager.default.createFile(atPath: stderr.path, contents: nil)
    process.executableURL = toyExecutable
    process.arguments = arguments
    process.currentDirectoryURL = directory
    process.standardOutput = try FileHandle(forWritingTo: stdout)
    process.standardError = try FileHandle(forWritingTo: stderr)
    try process.run()
  }

  @discardableResult
  func wait() -> Int32 {
    process.waitUntilExit()
    return process.terminationStatus
  }

  var output: String { (try? String(contentsOf: stdout, encoding: .utf8)) ?? "" }
  var errors: String { (try? String(contentsOf: stderr, encoding: .utf8)) ?? "" }

  /// Runs to completion and returns (status, stdout, stderr).
  static func run(_ arguments: [String], in directory: URL) throws -> (status: Int32, out: String, err: String) {
    let p = try ToyProcess(arguments, in: directory)
    let status = p.wait()
    return (status, p.output, p.errors)
  }
}

/// Every file under `results/<spec>` resolved through its links, as path → bytes.
func resultFiles(_ root: URL) throws -> [String: Data] {
  var files: [String: Data] = [:]
  let fm = FileManager.default
  func walk(_ url: URL, _ relative: String) throws {
    let resolved = url.resolvingSymlinksInPath()
    var isDirectory: ObjCBool = false
    guard fm.fileExists(atPath: resolved.path, isDirectory: &isDirectory) else { return }
    if isDirectory.boolValue {
      for name in try fm.contentsOfDirectory(atPath: resolved.path).sorted() {
        try walk(resolved.appendingPathComponent(name), relative.isEmpty ? name : "\(relative)/\(name)")
      }
    } else {
      files[relative] = try Data(contentsOf: resolved)
    }
  }
  try walk(root, "")
  return files
}
