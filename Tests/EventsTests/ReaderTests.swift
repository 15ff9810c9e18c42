import Foundation
import Tensor
import TestSupport
import Testing
import ZIPFoundation
@testable import Events

/// Round trips through small files written in the original formats by the tests themselves.
@Suite struct ReaderTests {
  func randomCamera(_ n: Int, width: Int, height: Int, seed: UInt64, start: Int64 = 0) -> EventSample {
    var rng = RandomStream(seed: seed, purpose: "fixture")
    var s = EventSample()
    var t = start
    for _ in 0..<n {
      t += Int64(rng.nextInt(below: 50))
      s.t.append(t)
      s.x.append(UInt16(rng.nextInt(below: width)))
      s.y.append(UInt16(rng.nextInt(below: height)))
      s.p.append(UInt8(rng.nextInt(below: 2)))
    }
    return s
  }

  // MARK: ATIS .bin

  @Test func atisRoundTripAndErrors() throws {
    let s = randomCamera(500, width: 34, height: 34, seed: 1)
    let bytes = ATISBinary.encode(s)
    #expect(try ATISBinary.decode(bytes, file: "a.bin") == s)
    do {
      _ = try ATISBinary.decode(Array(bytes.dropLast(2)), file: "a.bin")
      Issue.record("accepted a truncated record")
    } catch let e as EventsError {
      #expect(e.description == "a.bin: byte 2495: error: truncated event (3 of 5 bytes)")
    }
    var wide = bytes
    wide[10] = 40  // x of record 2
    #expect(throws: EventsError(file: "a.bin", .byte(10), "event (x 40, y \(bytes[11])) outside the 34×34 sensor")) {
      try ATISBinary.decode(wide, file: "a.bin", sensor: (34, 34))
    }
    // Overflow markers: kept (spikingjelly), applied (Orchard), or rejected.
    let marker: [UInt8] = [0, 240, 0, 0, 0]
    let withMarker = Array(bytes[0..<10]) + marker + Array(bytes[10..<15])
    #expect(try ATISBinary.decode(withMarker, file: "m").count == 4)
    let orchard = try ATISBinary.decode(withMarker, file: "m", overflow: .applyOrchardRule)
    #expect(orchard.count == 3 && orchard.t[2] == s.t[2] + 8192 && orchard.t[1] == s.t[1])
    #expect(throws: EventsError.self) { try ATISBinary.decode(withMarker, file: "m", overflow: .reject) }
  }

  /// Writes an N-MNIST-like tree: `Train/<d>/<k>.bin` and `Test/<d>/<k>.bin`.
  func writeNMNISTTree(_ root: URL, classes: [String], perClass: Int) throws -> [String: EventSample] {
    var written: [String: EventSample] = [:]
    for (split, offset) in [("Train", 0), ("Test", 100)] {
      for (c, name) in classes.enumerated() {
        let dir = root.appendingPathComponent("\(split)/\(name)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for k in 0..<perClass {
          let s = randomCamera(20 + k, width: 34, height: 34, seed: UInt64(offset + c * 10 + k))
          let rel = "\(split)/\(name)/\(String(format: "%05d", k)).bin"
          try Data(ATISBinary.encode(s)).write(to: root.appendingPathComponent(rel))
          written[rel] = s
        }
      }
    }
    return written
  }

  @Test func nmnistFromFoldersAndFromZips() throws {
    let dir = Scratch()
    defer { dir.cleanup() }
    let tree = dir.file("tree")
    let written = try writeNMNISTTree(tree, classes: ["0", "1", "2"], perClass: 3)
    let out = dir.file("e")
    let summary = try DatasetLoader.load(.nmnist, root: tree, to: out)
    #expect(summary.train == 9 && summary.test == 9 && summary.classNames == ["0", "1", "2"])
    let c = try EventsContainer(contentsOf: out)
    // Order: split, class, file name.
    #expect(c.sample(0) == written["Train/0/00000.bin"])
    #expect(c.sample(4) == written["Train/1/00001.bin"] && c.label(4) == 1)
    #expect(c.sample(17) == written["Test/2/00002.bin"] && c.split(17) == .test)

    // The same files inside Train.zip / Test.zip give a byte-identical container.
    let zipped = dir.file("zipped")
    try FileManager.default.createDirectory(at: zipped, withIntermediateDirectories: true)
    for split in ["Train", "Test"] {
      let archive = try Archive(url: zipped.appendingPathComponent("\(split).zip"), accessMode: .create)
      for rel in written.keys.sorted() where rel.hasPrefix(split) {
        try archive.addEntry(with: rel, relativeTo: tree, compressionMethod: .deflate)
      }
    }
    let out2 = dir.file("e2")
    try DatasetLoader.load(.nmnist, root: zipped, to: out2)
    #expect(try readBytes(out) == readBytes(out2))

    // A truncated member is named with its archive and byte offset.
    try Data(ATISBinary.encode(randomCamera(3, width: 34, height: 34, seed: 9)).dropLast()).write(to: tree.appendingPathComponent("Test/1/00001.bin"))
    do {
      try DatasetLoader.load(.nmnist, root: tree, to: dir.file("e3"))
      Issue.record("loaded a truncated file")
    } catch let e as EventsError {
      #expect(e.description == "Test/1/00001.bin: byte 10: error: truncated event (4 of 5 bytes)")
    }
  }

  @Test func labelOrderSpikingjellyVersusNatural() throws {
    #expect(LabelOrder.spikingjelly.sorted(["2", "10", "0", "1"]) == ["0", "1", "10", "2"])
    #expect(LabelOrder.natural.sorted(["2", "10", "0", "1"]) == ["0", "1", "2", "10"])
    #expect(LabelOrder.spikingjelly.sorted(["accordion", "Faces_easy", "BACKGROUND_Google"]) == ["BACKGROUND_Google", "Faces_easy", "accordion"])
    #expect((0..<11).map { DVSGesture.label(ofClass: $0, order: .spikingjelly) } == [0, 1, 3, 4, 5, 6, 7, 8, 9, 10, 2])
  }

  @Test func ncaltechStratifiedSeededSplit() throws {
    let dir = Scratch()
    defer { dir.cleanup() }
    let root = dir.file("Caltech101")
    let classes = ["BACKGROUND_Google", "Faces_easy", "accordion"]
    for (c, name) in classes.enumerated() {
      let folder = root.appendingPathComponent(name)
      try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
      for k in 0..<(5 + c * 3) {
        try Data(ATISBinary.encode(randomCamera(10, width: 240, height: 180, seed: UInt64(c * 100 + k)))).write(
          to: folder.appendingPathComponent(String(format: "image_%04d.bin", k + 1)))
      }
    }
    var options = DatasetLoadOptions()
    options.seed = 3
    let summary = try DatasetLoader.load(.ncaltech101, root: dir.url, options: options, to: dir.file("a"))
    // ceil(0.8 · n) per class: 4 + 7 + 9 train of 5 + 8 + 11.
    #expect(summary.train == 20 && summary.test == 4 && summary.classNames == classes)
    try DatasetLoader.load(.ncaltech101, root: dir.url, options: options, to: dir.file("b"))
    #expect(try readBytes(dir.file("a")) == readBytes(dir.file("b")))
    options.seed = 4
    try DatasetLoader.load(.ncaltech101, root: dir.url, options: options, to: dir.file("c"))
    let a = try EventsContainer(contentsOf: dir.file("a")), c = try EventsContainer(contentsOf: dir.file("c"))
    #expect((0..<24).map(a.split) != (0..<24).map(c.split))
    options.shuffleSplit = false
    try DatasetLoader.load(.ncaltech101, root: dir.url, options: options, to: dir.file("d"))
    let d = try EventsContainer(contentsOf: dir.file("d"))
    #expect((0..<5).map(d.split) == [.train, .train, .train, .train, .test])
    #expect(d.layout == .camera(width: 240, height: 180))
  }

  // MARK: AEDAT 3.1

  @Test func aedatRoundTripAndErrors() throws {
    var s = randomCamera(1000, width: 128, height: 128, seed: 4, start: (1 << 31) - 20_000)
    s.t[0] = 5  // before the overflow boundary
    let bytes = AEDAT31.encode(s, packetCapacity: 300)
    let r = try AEDAT31.decode(bytes, file: "u.aedat")
    #expect(r.sample == s && r.invalidSlots == 0 && r.header.first == "!AER-DAT3.1")
    let headerLength = Array("#!AER-DAT3.1\r\n#Format: RAW\r\n#Source 1: DVS128\r\n#!END-HEADER\r\n".utf8).count
    do {
      _ = try AEDAT31.decode(Array(bytes.dropLast(3)), file: "u.aedat")
      Issue.record("accepted a truncated packet")
    } catch let e as EventsError {
      #expect(e.description.contains("truncated packet"))
      if case .byte(let at) = e.location { #expect(at >= headerLength) } else { Issue.record("no byte offset") }
    }
    #expect(throws: EventsError.self) { try AEDAT31.decode(Array("#!AER-DAT2.0\r\n".utf8), file: "v2") }
    var corrupt = bytes
    corrupt[headerLength + 4] = 7  // eventSize 7 in a polarity packet
    #expect(throws: EventsError(file: "u.aedat", .byte(headerLength + 4), "polarity packet with 7-byte events (expected 8)")) {
      try AEDAT31.decode(corrupt, file: "u.aedat")
    }
  }

  @Test func dvsGestureTrialsAreCutPerLabelRow() throws {
    let dir = Scratch()
    defer { dir.cleanup() }
    let folder = dir.file("DvsGesture")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let a = randomCamera(400, width: 128, height: 128, seed: 1, start: 1_000)
    let b = randomCamera(300, width: 128, height: 128, seed: 2, start: 5_000)
    try Data(AEDAT31.encode(a)).write(to: folder.appendingPathComponent("user01_led.aedat"))
    try Data(AEDAT31.encode(b)).write(to: folder.appendingPathComponent("user24_lab.aedat"))
    try "class,startTime_usec,endTime_usec\r\n11,1000,4000\r\n3,3000,9000\r\n".write(
      to: folder.appendingPathComponent("user01_led_labels.csv"), atomically: true, encoding: .utf8)
    try "class,startTime_usec,endTime_usec\r\n1,5000,8000\r\n".write(
      to: folder.appendingPathComponent("user24_lab_labels.csv"), atomically: true, encoding: .utf8)
    try "user01_led.aedat\n".write(to: folder.appendingPathComponent("trials_to_train.txt"), atomically: true, encoding: .utf8)
    try "user24_lab.aedat\n\n".write(to: folder.appendingPathComponent("trials_to_test.txt"), atomically: true, encoding: .utf8)
    let summary = try DatasetLoader.load(.dvsgesture, root: dir.url, to: dir.file("e"))
    #expect(summary.train == 2 && summary.test == 1)
    let c = try EventsContainer(contentsOf: dir.file("e"))
    func expected(_ s: EventSample, _ lo: Int64, _ hi: Int64) -> EventSample {
      let keep = s.t.indices.filter { s.t[$0] >= lo && s.t[$0] < hi }
      return EventSample(t: keep.map { s.t[$0] }, x: keep.map { s.x[$0] }, y: keep.map { s.y[$0] }, p: keep.map { s.p[$0] })
    }
    #expect(c.sample(0) == expected(a, 1000, 4000))
    #expect(c.sample(1) == expected(a, 3000, 9000))  // overlapping rows share events
    #expect(c.sample(2) == expected(b, 5000, 8000))
    // CSV class 11 → natural 10 → spikingjelly label 2; class 3 → natural 2 → label 3.
    #expect(c.label(0) == 2 && c.label(1) == 3 && c.label(2) == 0)
    #expect(c.classNames[2] == "other_gestures")
    // A malformed CSV row names its line.
    try "class,startTime_usec,endTime_usec\n1,5000\n".write(to: folder.appendingPathComponent("user24_lab_labels.csv"), atomically: true, encoding: .utf8)
    do {
      try DatasetLoader.load(.dvsgesture, root: dir.url, to: dir.file("f"))
      Issue.record("accepted a bad CSV")
    } catch let e as EventsError {
      #expect(e.location == .line(2) && e.file.hasSuffix("user24_lab_labels.csv"))
    }
  }

  // MARK: SHD

  @Test func shdRoundTripThroughHDF5() throws {
    let dir = Scratch()
    defer { dir.cleanup() }
    var rng = RandomStream(seed: 5, purpose: "shd")
    func sample(_ n: Int) -> [(seconds: Float16, unit: UInt16)] {
      (0..<n).map { _ in (Float16(rng.nextFloat() * 1.2), UInt16(rng.nextInt(below: 700))) }.sorted { $0.0 < $1.0 }
    }
    let train = (0..<5).map { sample(30 + $0) }, test = [sample(7), sample(0)]
    let keys = (0..<20).map { "key-\($0)" }
    try SHD.writeFile(to: dir.file("shd_train.h5"), samples: train, labels: [0, 19, 3, 3, 10], classNames: keys)
    try SHD.writeFile(to: dir.file("shd_test.h5"), samples: test, labels: [1, 2], classNames: keys)
    let summary = try DatasetLoader.load(.shd, root: dir.url, to: dir.file("e"))
    #expect(summary.train == 5 && summary.test == 2 && summary.classNames == keys)
    let c = try EventsContainer(contentsOf: dir.file("e"))
    #expect(c.timeBase == .float16Seconds && c.layout == .channels(count: 700))
    for (i, s) in (train + test).enumerated() {
      let got = c.sample(i)
      #expect(got.t.map { Binning.float16(ticks: $0) } == s.map(\.0))
      #expect(got.x == s.map(\.1))
    }
    #expect((0..<7).map(c.label) == [0, 19, 3, 3, 10, 1, 2])
    // Float16 time binning runs on the loaded times.
    try Binning.bin(events: dir.file("e"), frames: 5, splitBy: .number, to: dir.file("f"))
    // Not HDF5 / missing datasets.
    try Data("garbage".utf8).write(to: dir.file("shd_test.h5"))
    #expect(throws: EventsError(file: dir.file("shd_test.h5").path, "not a readable HDF5 file")) {
      try DatasetLoader.load(.shd, root: dir.url, to: dir.file("g"))
    }
  }
}
