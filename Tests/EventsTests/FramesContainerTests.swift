import Foundation
import TestSupport
import Testing
@testable import Events

@Suite struct FramesContainerTests {
  @Test func binningAContainerMatchesDenseFrames() throws {
    let dir = Scratch()
    defer { dir.cleanup() }
    let events = dir.file("e"), frames = dir.file("f")
    try SyntheticDataset.write(like: .nmnist, train: 30, test: 10, seed: 5, to: events)
    var reports: [ProgressReport] = []
    try Binning.bin(events: events, frames: 10, splitBy: .number, to: frames) { reports.append($0) }
    #expect(reports.last == ProgressReport(completed: 40, total: 40))
    let e = try EventsContainer(contentsOf: events)
    let f = try FramesContainer(contentsOf: frames)
    #expect(f.timeSteps == 10 && f.inputShape == [2, 34, 34] && f.featureCount == 2312)
    #expect(f.classCount == 10 && f.classNames == (0..<10).map(String.init))
    #expect(f.count(split: .train) == 30 && f.count(split: .test) == 10)
    #expect(f.label(split: .test, 3) == e.label(e.sampleIndices(in: .test)[3]))
    var buffer = [Float](repeating: -1, count: 2312)
    for i in [0, 17, 39] {
      let expected = try Binning.denseFrames(of: e.sample(i), layout: e.layout, timeBase: e.timeBase, frames: 10, splitBy: .number)
      #expect(f.denseFrames(sample: i) == expected.flatMap { $0 })
      for t in 0..<10 {
        let active = f.activeFeatures(sample: i, step: t)
        #expect(zip(active.indices.dropFirst(), active.indices).allSatisfy { $0 > $1 })
        #expect(active.values.allSatisfy { $0 > 0 })
        buffer.withUnsafeMutableBufferPointer { f.fillDense(sample: i, step: t, into: $0) }
        #expect(buffer == expected[t])
      }
      // The batch fill puts the same frame in its row.
      var batch = [Float](repeating: -1, count: 2 * 2312)
      batch.withUnsafeMutableBufferPointer { f.fillDense(samples: [1, i], step: 3, into: $0) }
      #expect(Array(batch[2312...]) == expected[3])
      #expect(Array(batch[..<2312]) == Array(f.denseFrames(sample: 1)[(3 * 2312)..<(4 * 2312)]))
      // Every event lands in exactly one frame.
      #expect(Int(f.denseFrames(sample: i).reduce(0, +)) == e.eventCount(i))
    }
  }

  @Test func durationBinningRecordsVariableSteps() throws {
    let dir = Scratch()
    defer { dir.cleanup() }
    let events = dir.file("e"), frames = dir.file("f")
    try SyntheticDataset.write(like: .nmnist, train: 4, test: 0, seed: 1, to: events)
    try Binning.bin(events: events, frames: 0, splitBy: .duration(50_000), to: frames)
    let f = try FramesContainer(contentsOf: frames)
    #expect(!f.metadata.fixedTimeSteps)
    #expect(f.timeSteps == (0..<4).map(f.stepCount).max())
    #expect(f.activeFeatures(sample: 0, step: 1000).count == 0)
  }

  @Test func emptyTimeWindowNamesTheSample() throws {
    let dir = Scratch()
    defer { dir.cleanup() }
    let events = dir.file("e")
    let w = try EventsContainerWriter(
      to: events, metadata: .init(datasetKind: "t", layout: .camera(width: 2, height: 2), timeBase: .microseconds, classNames: ["a"]))
    try w.append(EventSample(t: [0, 1, 2, 3], x: [0, 1, 0, 1], y: [0, 0, 1, 1], p: [0, 1, 0, 1]), label: 0, split: .train)
    try w.append(EventSample(t: [0, 0, 0, 100], x: [0, 1, 0, 1], y: [0, 0, 1, 1], p: [0, 1, 0, 1]), label: 0, split: .train)
    try w.finish()
    do {
      try Binning.bin(events: events, frames: 2, splitBy: .time, to: dir.file("f"))
      Issue.record("binned an empty window")
    } catch let e as EventsError {
      #expect(e.location == .sample(1))
      #expect(e.description.contains("contains no event"))
    }
  }

  @Test func corruptFramesAreRejected() throws {
    let dir = Scratch()
    defer { dir.cleanup() }
    let events = dir.file("e"), frames = dir.file("f")
    try SyntheticDataset.write(like: .shd, train: 3, test: 1, seed: 1, to: events)
    try Binning.bin(events: events, frames: 20, splitBy: .number, to: frames)
    var bytes = try readBytes(frames)
    bytes[bytes.count / 2] ^= 0xFF
    try Data(bytes).write(to: frames)
    #expect(throws: EventsError.self) { try FramesContainer(contentsOf: frames) }
  }
}
