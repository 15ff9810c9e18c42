import Foundation
import Pipeline

/// One stage of a `run --json` summary.
struct StageRow {
  var label: String
  var outcome: String
  var key: String?
  var digest: String?
}

/// Runs `sdfa-toy run ARGS --json` in `directory` and returns its status, stages and stderr.
func toyRunJSON(_ arguments: [String], in directory: URL) throws -> (status: Int32, stages: [StageRow], err: String) {
  let result = try ToyProcess.run(["run"] + arguments + ["--json"], in: directory)
  let document = (try? SpecValue(json: result.out)) ?? .list([])
  let stages = (document.listValue ?? []).flatMap { $0[path: "stages"]?.listValue ?? [] }.map { stage in
    StageRow(label: stage[path: "label"]?.stringValue ?? "", outcome: stage[path: "outcome"]?.stringValue ?? "",
             key: stage[path: "key"]?.stringValue, digest: stage[path: "digest"]?.stringValue)
  }
  return (result.status, stages, result.err)
}

/// Overwrites one byte of a (read-only) artifact file, optionally keeping its modification time.
func flipByte(_ url: URL, at offset: Int = 0, keepTime: Bool = false) throws {
  let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
  chmod(url.path, 0o644)
  var data = try Data(contentsOf: url)
  data[offset] ^= 0x01
  try data.write(to: url)
  if keepTime, let date = attributes[.modificationDate] as? Date {
    try FileManager.default.setAttributes([.modificationDate: date], ofItemAtPath: url.path)
  }
  chmod(url.path, 0o444)
}

/// Copies a directory tree (a whole test cache).
func copyTree(_ from: URL, to: URL) throws {
  try? FileManager.default.removeItem(at: to)
  try FileManager.default.copyItem(at: from, to: to)
}
