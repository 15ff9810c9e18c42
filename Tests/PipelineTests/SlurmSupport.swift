import Foundation
import Pipeline
import TestSupport

/// The Slurm submissions recorded in a cache (`jobs/<key>.slurm.json`), by key.
func slurmSubmissions(_ cache: URL) throws -> [String: JobFiles.Submission] {
  let files = try JobFiles(cache: cache)
  var result: [String: JobFiles.Submission] = [:]
  for name in (try? FileManager.default.contentsOfDirectory(atPath: files.root.path)) ?? [] where name.hasSuffix(".slurm.json") {
    let key = String(name.dropLast(".slurm.json".count))
    result[key] = files.submission(key)
  }
  return result
}

/// Every key the batch scripts in a cache submitted, once per submission.
func submittedKeys(_ cache: URL) throws -> [String] {
  let batches = try JobFiles(cache: cache).batches
  var keys: [String] = []
  for name in try FileManager.default.contentsOfDirectory(atPath: batches.path) {
    let text = try String(contentsOf: batches.appendingPathComponent(name), encoding: .utf8)
    for line in text.split(separator: "\n") where line.hasPrefix("set -- ") {
      keys += line.dropFirst("set -- ".count).split(separator: " ").map(String.init)
    }
  }
  return keys
}

/// Waits until `condition` holds (polling every 0.1 s), up to `seconds`.
@discardableResult
func waitUntil(seconds: Double, _ condition: () throws -> Bool) rethrows -> Bool {
  let deadline = Date().addingTimeInterval(seconds)
  while Date() < deadline {
    if try condition() { return true }
    usleep(100_000)
  }
  return try condition()
}
