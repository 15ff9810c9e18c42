import Foundation
import Pipeline
import Testing

/// Issue 13: `sdfa verify --reindex` rebuilt the stage records of a lost index but not what
/// `sdfa runs` reads beside them. Now each restored record gets its metrics back from its
/// artifact and its execution back in the executions log, so `runs` lists the same runs with
/// nothing left to backfill.
@Suite(.serialized) struct ReindexRunsTests {
  @Test func aRebuiltIndexHasTheMetricsAndExecutionsOfItsRecords() throws {
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    try scratch.write(Array(RunsCommandTests.spec("alpha", sweep: "{train.method: [bp, sdfa]}", hardware: false).utf8), to: "alpha.yml")
    let run = try SDFAProcess.run(["run", "alpha.yml", "-q"], in: scratch.url)
    #expect(run.status == 0, "\(run.err)")
    let before = try SDFAProcess.run(["runs", "--format", "json"], in: scratch.url)
    #expect(before.status == 0 && before.err.isEmpty, "\(before.err)")
    let path = scratch.url.appendingPathComponent(".sdfa/index.sqlite").path
    let (metrics, records, executions) = try {
      let index = try StageIndex(path: path)
      return (try index.allMetrics(), try index.doneRecords().count, try index.executionRowCount())
    }()
    #expect(metrics.count == 2, "the two trainings report metrics")
    #expect(executions == records)

    for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    let reindex = try SDFAProcess.run(["verify", "--reindex"], in: scratch.url)
    #expect(reindex.status == 0, "\(reindex.err)")
    #expect(reindex.out.contains("reindexed: \(records) stage records restored"), "\(reindex.out)")
    #expect(reindex.out.contains("the metrics of 2 read again from their artifacts"), "\(reindex.out)")
    try {
      let index = try StageIndex(path: path)
      #expect(try index.allMetrics() == metrics)
      #expect(try index.executionRowCount() == records)
    }()
    let after = try SDFAProcess.run(["runs", "--format", "json"], in: scratch.url)
    #expect(after.status == 0 && after.err.isEmpty, "nothing left to backfill: \(after.err)")
    #expect(after.out == before.out)
  }
}
