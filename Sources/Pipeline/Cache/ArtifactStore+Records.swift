import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Every done stage's index record, kept as a file beside the artifacts
/// (`records/<key>.json`): the artifact's key and how it was made. The index is a fast view
/// of these; `sdfa verify --reindex` rebuilds a lost or corrupt index from them.
///
/// They live outside the artifact folders because an artifact is named by its content alone
/// (two keys that produce the same bytes share one artifact).
extension ArtifactStore {
  var recordsURL: URL { root.appendingPathComponent("records") }

  /// Writes `record` atomically (a temporary file renamed into place).
  public func writeRecord(_ record: StageIndex.Record) throws {
    try FileManager.default.createDirectory(at: recordsURL, withIntermediateDirectories: true)
    let target = recordsURL.appendingPathComponent("\(record.key).json")
    let partial = recordsURL.appendingPathComponent(".\(record.key).\(TemporaryOwner.current.name(counter.next()))")
    try Self.writeFile(try JSONEncoder.sorted.encode(record), to: partial)
    guard rename(partial.path, target.path) == 0 else {
      let reason = IOErrorText.errnoText
      try? FileManager.default.removeItem(at: partial)
      throw StageFailure("cannot write the record \(target.path): \(reason)")
    }
  }

  /// Every readable record, and the names of files that are not records.
  public func readRecords() -> (records: [StageIndex.Record], unreadable: [String]) {
    var records: [StageIndex.Record] = [], unreadable: [String] = []
    for name in ((try? FileManager.default.contentsOfDirectory(atPath: recordsURL.path)) ?? []).sorted()
    where name.hasSuffix(".json") && !name.hasPrefix(".") {
      if let data = FileManager.default.contents(atPath: recordsURL.appendingPathComponent(name).path),
        let record = try? JSONDecoder().decode(StageIndex.Record.self, from: data), "\(record.key).json" == name
      {
        records.append(record)
      } else {
        unreadable.append(name)
      }
    }
    return (records, unreadable)
  }

  /// Keys that have a record file.
  public func recordKeys() -> Set<String> {
    Set(((try? FileManager.default.contentsOfDirectory(atPath: recordsURL.path)) ?? [])
      .filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }.map { String($0.dropLast(5)) })
  }

  /// Deletes the record of `key`, if any.
  public func removeRecord(_ key: String) {
    try? FileManager.default.removeItem(at: recordsURL.appendingPathComponent("\(key).json"))
  }
}
