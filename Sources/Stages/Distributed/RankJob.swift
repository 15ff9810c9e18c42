import Foundation
import Pipeline

/// What each rank of a data-parallel train stage needs, written by ``RankLauncher`` to
/// `<output>/.ranks/job.json` (the cache is on a file system every node sees) and read by
/// `sdfa train-rank`: the stage context's contents, and where the ranks report.
///
/// The `.ranks` folder also receives each rank's process id (`rank-<r>.pid`, with its host),
/// standard error (`rank-<r>.err`) and end (`rank-<r>.status`: `ok`, or `failed` and the
/// message), so that the launcher can say which rank failed and why; it is removed before the
/// artifact is committed.
struct RankJob: Codable {
  /// The stage's params and settings, and its keyed params (canonical JSON).
  var params: String
  var keyedParams: String
  var inputs: [String: String]
  var inputOrder: [String]
  var outputDirectory: String
  var resumeDirectory: String?
  var label: String
  /// Threads of each rank.
  var threads: Int
  var ranks: Int

  static let folderName = ".ranks"

  init(_ context: StageContext, ranks: Int) {
    params = context.params.canonicalJSON
    keyedParams = context.keyedParams.canonicalJSON
    inputs = context.inputs.mapValues(\.path)
    inputOrder = context.inputOrder
    outputDirectory = context.outputDirectory.path
    resumeDirectory = context.resumeDirectory?.path
    label = context.label
    threads = max(1, context.threads / ranks)
    self.ranks = ranks
  }

  var folder: URL { URL(fileURLWithPath: outputDirectory).appendingPathComponent(Self.folderName) }
  static func file(in folder: URL) -> URL { folder.appendingPathComponent("job.json") }
  static func standardError(rank: Int, in folder: URL) -> URL { folder.appendingPathComponent("rank-\(rank).err") }
  static func status(rank: Int, in folder: URL) -> URL { folder.appendingPathComponent("rank-\(rank).status") }
  /// The rank's process id (on its node), written when it starts.
  static func pid(rank: Int, in folder: URL) -> URL { folder.appendingPathComponent("rank-\(rank).pid") }

  static func read(_ url: URL) throws -> RankJob {
    do {
      return try JSONDecoder().decode(RankJob.self, from: Data(contentsOf: url))
    } catch {
      throw StageFailure("\(url.path): not a rank job description: \(error)")
    }
  }

  func write(to url: URL) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
    try encoder.encode(self).write(to: url, options: .atomic)
  }
}

/// How a rank ended, as it reports in `rank-<r>.status`.
enum RankStatus: Equatable {
  case ok
  case failed(String)

  var text: String {
    switch self {
    case .ok: "ok\n"
    case .failed(let message): "failed\n\(message)\n"
    }
  }

  init?(text: String) {
    if text.hasPrefix("ok") {
      self = .ok
    } else if text.hasPrefix("failed\n") {
      self = .failed(String(text.dropFirst("failed\n".count)).trimmingCharacters(in: .whitespacesAndNewlines))
    } else {
      return nil
    }
  }

  static func read(rank: Int, in folder: URL) -> RankStatus? {
    (try? String(contentsOf: RankJob.status(rank: rank, in: folder), encoding: .utf8)).flatMap(RankStatus.init(text:))
  }

  func write(rank: Int, in folder: URL) {
    try? Data(text.utf8).write(to: RankJob.status(rank: rank, in: folder), options: .atomic)
  }
}
