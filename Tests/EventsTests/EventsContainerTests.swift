import Foundation
import Tensor
import TestSupport
import Testing
@testable import Events

@Suite struct EventsContainerTests {
  @Test func crc32CheckValue() {
    let bytes = Array("123456789".utf8)
    #expect(bytes.withUnsafeBytes { CRC32Checksum.checksum($0) } == 0xCBF4_3926)
    // Slicing-by-8 and the byte loop agree at every length and alignment.
    var rng = RandomStream(seed: 1, purpose: "crc")
    let data = (0..<1000).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
    for start in 0..<9 {
      var a = CRC32Checksum()
      data.withUnsafeBytes { a.update(UnsafeRawBufferPointer(rebasing: $0[start..<1000])) }
      var b = CRC32Checksum()
      for k in start..<1000 { [data[k]].withUnsafeBytes { b.update($0) } }
      #expect(a.value == b.value)
    }
  }

  func writeCamera(_ url: URL) throws -> [EventSample] {
    let meta = EventsContainerMetadata(
      datasetKind: "test", layout: .camera(width: 5, height: 4), timeBase: .microseconds, classNames: ["a", "b", "c"],
      sources: [SourceFile(name: "x.bin", digest: "sha256:00")], attributes: ["k": "v"])
    let writer = try EventsContainerWriter(to: url, metadata: meta)
    let samples = [
      EventSample(t: [1, 2, 3], x: [0, 4, 2], y: [3, 0, 1], p: [1, 0, 1]),
      EventSample(),
      EventSample(t: [10, 10], x: [1, 1], y: [1, 1], p: [0, 0]),
    ]
    try writer.append(samples[0], label: 2, split: .train)
    try writer.append(samples[1], label: 0, split: .test)
    try writer.append(samples[2], label: 1, split: .train)
    writer.addSource(SourceFile(name: "y.bin"))
    try writer.finish()
    return samples
  }

  @Test func roundTripKeepsEveryField() throws {
    let dir = Scratch()
    defer { dir.cleanup() }
    let url = dir.file("e.sdfaevents")
    let samples = try writeCamera(url)
    let c = try EventsContainer(contentsOf: url)
    #expect(c.sampleCount == 3 && c.eventCount == 5)
    #expect(c.layout == .camera(width: 5, height: 4))
    #expect(c.classNames == ["a", "b", "c"])
    #expect(c.metadata.sources.map(\.name) == ["x.bin", "y.bin"])
    #expect(c.metadata.attributes == ["k": "v"])
    #expect((0..<3).map(c.label) == [2, 0, 1])
    #expect(c.sampleIndices(in: .train) == [0, 2] && c.sampleIndices(in: .test) == [1])
    for i in 0..<3 { #expect(c.sample(i) == samples[i]) }
    // No spool files are left behind.
    let left = try FileManager.default.contentsOfDirectory(atPath: dir.url.path)
    #expect(left == ["e.sdfaevents"])
  }

  @Test func channelContainerWithValues() throws {
    let dir = Scratch()
    defer { dir.cleanup() }
    let url = dir.file("c.sdfaevents")
    let meta = EventsContainerMetadata(datasetKind: "t", layout: .channels(count: 3), timeBase: .steps, classNames: ["a"], hasValues: true)
    let w = try EventsContainerWriter(to: url, metadata: meta)
    let s = EventSample(t: [0, 0, 1], x: [0, 2, 1], values: [0.5, -1, 2])
    try w.append(s, label: 0, split: .test)
    try w.finish()
    let c = try EventsContainer(contentsOf: url)
    #expect(c.sample(0) == s)
    #expect(c.columns(0).y.isEmpty)
  }

  @Test func writerRejectsBadSamples() throws {
    let dir = Scratch()
    defer { dir.cleanup() }
    let meta = EventsContainerMetadata(datasetKind: "t", layout: .camera(width: 5, height: 4), timeBase: .microseconds, classNames: ["a"])
    let w = try EventsContainerWriter(to: dir.file("bad"), metadata: meta)
    #expect(throws: EventsError.self) { try w.append(EventSample(t: [1], x: [5], y: [0], p: [0]), label: 0, split: .train) }
    #expect(throws: EventsError.self) { try w.append(EventSample(t: [1], x: [0], y: [0], p: [2]), label: 0, split: .train) }
    #expect(throws: EventsError.self) { try w.append(EventSample(t: [1], x: [0], y: [0], p: [0]), label: 1, split: .train) }
    do {
      try w.append(EventSample(t: [1, 2], x: [0, 0], y: [0, 9], p: [0, 0]), label: 0, split: .train)
      Issue.record("accepted y outside the sensor")
    } catch let e as EventsError {
      #expect(e.location == .sample(0))
      #expect(e.description.contains("event 1: y = 9"))
    }
  }

  @Test func corruptionIsReportedWithOffset() throws {
    let dir = Scratch()
    defer { dir.cleanup() }
    let url = dir.file("e.sdfaevents")
    _ = try writeCamera(url)
    var bytes = try readBytes(url)
    // A flipped payload byte fails the checksum.
    var flipped = bytes
    flipped[bytes.count - 40] ^= 0x10
    try Data(flipped).write(to: url)
    #expect(throws: EventsError.self) { try EventsContainer(contentsOf: url) }
    do { _ = try EventsContainer(contentsOf: url) } catch let e as EventsError {
      #expect(e.description.contains("checksum"))
      #expect(e.location == .byte(1024))
    }
    // A truncated file names its size.
    bytes.removeLast(7)
    try Data(bytes).write(to: url)
    do {
      _ = try EventsContainer(contentsOf: url)
      Issue.record("accepted a truncated file")
    } catch let e as EventsError {
      #expect(e.description.contains("truncated"))
      #expect(e.file == url.path)
    }
    // A damaged header.
    var header = try readBytes(url)
    header[70] ^= 1
    try Data(header).write(to: url)
    #expect(throws: EventsError.self) { try EventsContainer(contentsOf: url) }
    // Not a container at all.
    try Data([1, 2, 3]).write(to: url)
    #expect(throws: EventsError.self) { try EventsContainer(contentsOf: url) }
  }

  @Test func randomMutationsGiveOnlyCleanErrors() throws {
    let dir = Scratch()
    defer { dir.cleanup() }
    let url = dir.file("e.sdfaevents")
    _ = try writeCamera(url)
    let original = try readBytes(url)
    var rng = RandomStream(seed: 7, purpose: "mutate")
    let target = dir.file("m")
    for _ in 0..<300 {
      var bytes = original
      for _ in 0..<(1 + rng.nextInt(below: 4)) { bytes[rng.nextInt(below: bytes.count)] = UInt8(truncatingIfNeeded: rng.next()) }
      if rng.nextInt(below: 4) == 0 { bytes.removeLast(rng.nextInt(below: bytes.count)) }
      try Data(bytes).write(to: target)
      // Unverified open skips the CRC, exercising the structural checks.
      _ = try? EventsContainer(contentsOf: target, verifyChecksum: rng.nextInt(below: 2) == 0)
    }
  }
}
