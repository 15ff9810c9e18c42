import Foundation
import Tensor
import TestSupport
import Testing
@testable import Events

enum Fixtures {
  static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
  static func bytes(_ name: String) throws -> [UInt8] { try readBytes(folder.appendingPathComponent(name)) }
}

@Suite struct BrailleTests {
  @Test func realFileLoadsWithTheTutorialsPreprocessing() throws {
    guard RealData.available(RealData.braille) else { return }
    let recordings = try Braille.readRecordings(readBytes(RealData.braille), file: RealData.braille.path)
    #expect(recordings.count == 1350)
    #expect(Set(recordings.map(\.letter)) == Set(Braille.classNames))
    #expect(recordings[0].letter == "Space" && recordings[1349].letter == "Z" && recordings[1349].repetition == 49)
    #expect(Array(recordings[0].taxels[0..<12]) == [255, 227, 255, 255, 255, 255, 94, 255, 255, 255, 248, 255])
    #expect(recordings[0].taxels.reduce(0, +) == 217_834)
    #expect(recordings[1349].steps == 76 && recordings[1349].taxels.reduce(0, +) == 218_288)
    #expect(recordings.reduce(0) { $0 + $1.steps } == 103_059)
    #expect(recordings.reduce(0.0) { $0 + $1.taxels.reduce(0, +) } == 295_422_785)
    #expect(recordings.filter { $0.steps == 76 }.count == 891 && recordings.filter { $0.steps == 77 }.count == 459)

    let dir = Scratch()
    defer { dir.cleanup() }
    let summary = try DatasetLoader.load(.braille, root: RealData.braille, to: dir.file("e"))
    #expect(summary.train == 1080 && summary.test == 270 && summary.classNames.count == 27)
    let c = try EventsContainer(contentsOf: dir.file("e"))
    #expect(c.layout == .channels(count: 4) && c.metadata.hasValues)
    // The first training sample is recording 289 (numpy seed 42 shuffle).
    #expect(c.label(0) == Braille.classNames.firstIndex(of: recordings[289].letter))
    let s = c.sample(0)
    #expect(s.count == 152 * 4)
    // Independent recomputation of one value: taxel 6 of recording 289 at raw step 0,
    // standardised with the mean and unbiased std over all recordings cropped to 76 steps, as
    // the reference's module/dataloader.py: (x - mean) / (std + 1e-6).
    var all: [Double] = []
    for r in recordings { for t in 0..<76 { all.append(1 - r.taxels[t * 12 + 6] / 255) } }
    let mean = all.reduce(0, +) / Double(all.count)
    let std = (all.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(all.count - 1)).squareRoot()
    let expected = Float(((1 - recordings[289].taxels[6] / 255) - mean) / (std + 1e-6))
    #expect(s.values[2] == expected && s.values[4 + 2] == expected)  // step 0 and its repeat
    // Channel means of the training data are near zero after standardisation.
    let means = (0..<4).map { ch in s.values.enumerated().filter { $0.offset % 4 == ch }.map(\.element).reduce(0, +) / 152 }
    #expect(means.allSatisfy { abs($0) < 5 })
  }

  @Test func perRunSplitKeepsEverySampleAndRecordsTheFraction() throws {
    guard RealData.available(RealData.braille) else { return }
    let dir = Scratch()
    defer { dir.cleanup() }
    var options = DatasetLoadOptions()
    options.brailleShuffleSeed = nil
    let summary = try DatasetLoader.load(.braille, root: RealData.braille, options: options, to: dir.file("e"))
    #expect(summary.train == 1350 && summary.test == 0)
    let c = try EventsContainer(contentsOf: dir.file("e"))
    #expect(c.metadata.attributes[Braille.perSeedSplitAttribute] == "0.8")
    #expect(c.metadata.attributes["shuffle_seed"] == nil)
  }

  @Test func numpyCompatibleShuffle() {
    let (train, test) = Braille.split(count: 1350)
    #expect(Array(train.prefix(5)) == [289, 1036, 535, 346, 1075])
    #expect(train.count == 1080 && test.count == 270 && Set(train + test).count == 1350)
  }

  @Test func smallNumpyPickleDecodes() throws {
    let recordings = try Braille.readRecordings(Fixtures.bytes("braille_small.pkl.gz"), file: "braille_small.pkl.gz")
    #expect(recordings.map(\.letter) == ["Space", "A", "Z"])
    #expect(recordings.map(\.steps) == [5, 4, 6])
    #expect(recordings.allSatisfy { $0.taxels.allSatisfy { (55...255).contains($0) && $0 == $0.rounded() } })
  }

  @Test func maliciousPicklesAreRefused() throws {
    // pickle.dumps(os.system('ls')) in protocol 4: STACK_GLOBAL 'os' 'system'.
    let evil: [UInt8] = [0x80, 0x04, 0x8C, 0x02] + Array("os".utf8) + [0x8C, 0x06] + Array("system".utf8) + [0x93, 0x8C, 0x02] + Array("ls".utf8) + [0x85, 0x52, 0x2E]
    do {
      _ = try RestrictedUnpickler.load(evil, file: "evil.pkl")
      Issue.record("accepted os.system")
    } catch let e as EventsError {
      #expect(e.description == "evil.pkl: byte 14: error: refused global 'os.system': only numpy's _reconstruct, ndarray and dtype are allowed")
    }
    // Protocol-0 GLOBAL opcode ('c').
    let global = Array("cos\nsystem\n(S'ls'\ntR.".utf8)
    #expect(throws: EventsError.self) { try RestrictedUnpickler.load(global, file: "g.pkl") }
    // REDUCE on an allowed global with the wrong arguments.
    let wrong: [UInt8] = [0x80, 0x04, 0x8C, 0x05] + Array("numpy".utf8) + [0x8C, 0x05] + Array("dtype".utf8) + [0x93, 0x8C, 0x02] + Array("O8".utf8) + [0x89, 0x88, 0x87, 0x52, 0x2E]
    #expect(throws: EventsError.self) { try RestrictedUnpickler.load(wrong, file: "w.pkl") }
  }

  @Test func mutatedPicklesGiveOnlyCleanErrors() throws {
    let gz = try Fixtures.bytes("braille_small.pkl.gz")
    var rng = RandomStream(seed: 3, purpose: "pickle-fuzz")
    let pickle = try Gzip.decompress(gz, file: "f")
    var refused = 0
    for round in 0..<3000 {
      var b = pickle
      for _ in 0..<(1 + rng.nextInt(below: 3)) { b[rng.nextInt(below: b.count)] = UInt8(truncatingIfNeeded: rng.next()) }
      if round % 5 == 0 { b.removeLast(rng.nextInt(below: b.count)) }
      do { _ = try RestrictedUnpickler.load(b, file: "f") } catch is EventsError { refused += 1 }
    }
    #expect(refused > 100)
    // Mutated gzip streams too.
    for _ in 0..<300 {
      var b = gz
      b[rng.nextInt(below: b.count)] ^= UInt8(1 + rng.nextInt(below: 255))
      _ = try? Braille.readRecordings(b, file: "f")
    }
  }
}

/// Random samples against a line-by-line numpy port of spikingjelly's integration
/// (Fixtures/make_fixtures.py → spikingjelly_reference.json).
@Suite struct SpikingjellyReferenceTests {
  struct Case: Decodable {
    var H: Int, W: Int, t: [Int64], x: [UInt16], y: [UInt16], p: [UInt8], rule: String, arg: Double, frames: [[Float]]?
  }

  @Test func matchesTheNumpyPort() throws {
    let cases = try JSONDecoder().decode([Case].self, from: Data(Fixtures.bytes("spikingjelly_reference.json")))
    #expect(cases.count == 36)
    var failures = 0
    for c in cases {
      let rule: Binning.SplitBy = c.rule == "number" ? .number : c.rule == "time" ? .time : .duration(c.arg)
      let sample = EventSample(t: c.t, x: c.x, y: c.y, p: c.p)
      let got = try? Binning.denseFrames(of: sample, layout: .camera(width: c.W, height: c.H), timeBase: .microseconds, frames: Int(c.arg), splitBy: rule)
      if c.frames == nil { failures += 1 }
      #expect(got == c.frames, "\(c.rule) \(c.arg) with \(c.t.count) events")
    }
    #expect(failures < cases.count / 2)
  }
}

/// Float16 SHD rules against numpy evaluating spikingjelly's SHD code in float16
/// (Fixtures/make_fixtures.py → shd_float16_reference.json).
@Suite struct SHDFloat16ReferenceTests {
  struct Case: Decodable {
    var bits: [UInt16], rule: String, arg: Double, lower: [Int]?, upper: [Int]?
  }

  @Test func matchesNumpyFloat16() throws {
    let cases = try JSONDecoder().decode([Case].self, from: Data(Fixtures.bytes("shd_float16_reference.json")))
    #expect(cases.count == 50)
    for c in cases {
      let ticks = c.bits.map { Int64(Double(Float16(bitPattern: $0)) * 16_777_216) }
      let rule: Binning.SplitBy = c.rule == "time" ? .time : .duration(c.arg)
      let got = try? ticks.withUnsafeBufferPointer { try Binning.segments(t: $0, timeBase: .float16Seconds, frames: Int(c.arg), splitBy: rule) }
      #expect(got?.lower == c.lower && got?.upper == c.upper, "\(c.rule) \(c.arg) with \(c.bits.count) spikes")
    }
  }
}
