import Foundation
import TestSupport
import Testing
@testable import Events

@Suite struct SyntheticDatasetTests {
  @Test(arguments: SyntheticDataset.Like.allCases)
  func sameSeedGivesByteIdenticalContainers(like: SyntheticDataset.Like) throws {
    let dir = Scratch()
    defer { dir.cleanup() }
    let small = like == .dvsgesture || like == .ncaltech101 ? 2_000 : nil
    try SyntheticDataset.write(like: like, train: 12, test: 4, seed: 9, eventsPerSample: small, to: dir.file("a"))
    try SyntheticDataset.write(like: like, train: 12, test: 4, seed: 9, eventsPerSample: small, to: dir.file("b"))
    try SyntheticDataset.write(like: like, train: 12, test: 4, seed: 10, eventsPerSample: small, to: dir.file("c"))
    #expect(try readBytes(dir.file("a")) == readBytes(dir.file("b")))
    #expect(try readBytes(dir.file("a")) != readBytes(dir.file("c")))
    let c = try EventsContainer(contentsOf: dir.file("a"))
    let profile = SyntheticDataset.profile(like)
    #expect(c.layout == profile.layout && c.classNames == profile.classNames)
    #expect(c.count(split: .train) == 12 && c.count(split: .test) == 4)
    for i in 0..<c.sampleCount {
      let t = c.columns(i).t
      #expect(zip(t.dropFirst(), t).allSatisfy { $0 >= $1 }, "timestamps must be non-decreasing")
    }
  }

  @Test func shapesMatchTheRealDatasets() {
    #expect(SyntheticDataset.profile(.nmnist).layout.frameShape == [2, 34, 34])
    #expect(SyntheticDataset.profile(.dvsgesture).layout.frameShape == [2, 128, 128])
    #expect(SyntheticDataset.profile(.ncaltech101).layout.frameShape == [2, 180, 240])
    #expect(SyntheticDataset.profile(.shd).layout.frameShape == [700])
    #expect(SyntheticDataset.profile(.braille).layout.frameShape == [4])
    #expect(SyntheticDataset.profile(.ncaltech101).classNames.count == 101)
    #expect(SyntheticDataset.profile(.shd).classNames.count == 20)
    #expect(SyntheticDataset.profile(.braille).classNames.count == 27)
    let s = SyntheticDataset.sample(like: .nmnist, label: 3, split: .train, index: 0, seed: 0)
    #expect((2_000...7_000).contains(s.count))
  }

  /// Learnability proxy: a nearest-class-mean classifier on time-summed frames, fitted on the
  /// train split, must be far above chance on the test split.
  @Test(arguments: [SyntheticDataset.Like.nmnist, .shd, .braille, .dvsgesture, .ncaltech101])
  func classesAreSeparable(like: SyntheticDataset.Like) throws {
    let dir = Scratch()
    defer { dir.cleanup() }
    let classes = SyntheticDataset.profile(like).classNames.count
    let events = like == .dvsgesture || like == .ncaltech101 ? 3_000 : nil
    try SyntheticDataset.write(like: like, train: classes * 4, test: classes * 2, seed: 2, eventsPerSample: events, to: dir.file("e"))
    try Binning.bin(events: dir.file("e"), frames: 2, splitBy: .number, to: dir.file("f"))
    let f = try FramesContainer(contentsOf: dir.file("f"))
    // Time-summed frames, camera pixels pooled into 4×4 blocks (polarity kept): small vectors.
    let shape = f.inputShape
    let pooledShape = shape.count == 3 ? [shape[0], (shape[1] + 3) / 4, (shape[2] + 3) / 4] : shape
    let n = pooledShape.reduce(1, *)
    func vector(_ i: Int) -> [Float] {
      var v = [Float](repeating: 0, count: n)
      for t in 0..<f.timeSteps {
        let active = f.activeFeatures(sample: i, step: t)
        for k in 0..<active.count {
          var j = Int(active.indices[k])
          if shape.count == 3 {
            let c = j / (shape[1] * shape[2]), y = (j / shape[2]) % shape[1], x = j % shape[2]
            j = (c * pooledShape[1] + y / 4) * pooledShape[2] + x / 4
          }
          v[j] += active.values[k]
        }
      }
      let norm = max(1e-6, v.reduce(0) { $0 + $1 * $1 }.squareRoot())
      return v.map { $0 / norm }
    }
    var means = [[Float]](repeating: [Float](repeating: 0, count: n), count: classes)
    for i in f.sampleIndices(in: .train) {
      let v = vector(i)
      for k in 0..<n { means[f.label(i)][k] += v[k] }
    }
    var correct = 0
    for i in f.sampleIndices(in: .test) {
      let v = vector(i)
      let scores = means.map { m in zip(m, v).reduce(0) { $0 + $1.0 * $1.1 } }
      if scores.indices.max(by: { scores[$0] < scores[$1] }) == f.label(i) { correct += 1 }
    }
    let accuracy = Double(correct) / Double(f.count(split: .test))
    #expect(accuracy > 5 / Double(classes) && accuracy > 0.5, "\(like): accuracy \(accuracy)")
  }
}
