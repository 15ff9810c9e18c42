import Foundation
import Tensor
import TestSupport
import Testing
@testable import Events

/// Random and mutated inputs for every binary reader: only clean ``EventsError``s, never a
/// crash. A few thousand inputs each here; set `SDFA_FUZZ_ITERATIONS` (e.g. 100000) for a
/// long run.
@Suite struct FuzzTests {
  static let iterations = Int(ProcessInfo.processInfo.environment["SDFA_FUZZ_ITERATIONS"] ?? "") ?? 2000

  /// `seed`'s mutation of `bytes`: flipped, overwritten, inserted or removed bytes, or a cut.
  static func mutate(_ bytes: [UInt8], _ rng: inout RandomStream) -> [UInt8] {
    var b = bytes
    switch rng.nextInt(below: 5) {
    case 0: for _ in 0..<(1 + rng.nextInt(below: 4)) where !b.isEmpty { b[rng.nextInt(below: b.count)] ^= UInt8(1 + rng.nextInt(below: 255)) }
    case 1: if !b.isEmpty { b.removeLast(rng.nextInt(below: b.count)) }
    case 2: b.insert(UInt8(truncatingIfNeeded: rng.next()), at: rng.nextInt(below: b.count + 1))
    case 3: if !b.isEmpty { b.remove(at: rng.nextInt(below: b.count)) }
    default: b = (0..<rng.nextInt(below: 200)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
    }
    return b
  }

  @Test func atisDecoder() {
    var rng = RandomStream(seed: 1, purpose: "fuzz.atis")
    let valid = ATISBinary.encode(SyntheticDataset.sample(like: .nmnist, label: 1, split: .train, index: 0, seed: 0, eventsPerSample: 50))
    var errors = 0
    for _ in 0..<Self.iterations {
      let input = Self.mutate(valid, &rng)
      do {
        let s = try ATISBinary.decode(input, file: "f.bin", sensor: (34, 34), overflow: [.reject, .applyOrchardRule, .keepAsEvents][rng.nextInt(below: 3)])
        #expect(s.x.allSatisfy { $0 < 34 } && s.y.allSatisfy { $0 < 34 })
      } catch is EventsError { errors += 1 } catch { Issue.record("unexpected \(error)") }
    }
    #expect(errors > 0)
  }

  @Test func aedatDecoder() {
    var rng = RandomStream(seed: 2, purpose: "fuzz.aedat")
    let sample = SyntheticDataset.sample(like: .dvsgesture, label: 3, split: .train, index: 0, seed: 0, eventsPerSample: 60)
    let valid = AEDAT31.encode(sample, packetCapacity: 16)
    var errors = 0
    for _ in 0..<Self.iterations {
      do { _ = try AEDAT31.decode(Self.mutate(valid, &rng), file: "f.aedat") } catch is EventsError { errors += 1 } catch {
        Issue.record("unexpected \(error)")
      }
    }
    #expect(errors > 0)
  }

  @Test func unpickler() throws {
    var rng = RandomStream(seed: 3, purpose: "fuzz.pickle")
    let seeds = [try Gzip.decompress(Fixtures.bytes("braille_small.pkl.gz"), file: "f"), CraftedPickles.wrappingBrailleArray]
    for i in 0..<Self.iterations {
      let input = Self.mutate(seeds[i % seeds.count], &rng)
      do {
        let value = try RestrictedUnpickler.load(input, file: "f.pkl")
        if case .object(let o) = value, let array = o as? RestrictedUnpickler.ArrayBox, array.built {
          #expect(array.values.count == array.shape.reduce(1, *))
        }
      } catch is EventsError {} catch {
        Issue.record("unexpected \(error)")
      }
    }
  }

  /// State dicts with the torch allow-list, seeded with views that overflow or ask for 4 TB:
  /// whatever loads can be read (its element count fits its storage or the view limit).
  @Test func torchPickle() {
    var rng = RandomStream(seed: 6, purpose: "fuzz.torch")
    let seeds = [TorchPickleTests.pickle, CraftedPickles.terabyteView, CraftedPickles.overflowingView]
    var errors = 0
    for i in 0..<Self.iterations {
      do {
        guard case .dict(let d) = try TorchPickleTests.load(Self.mutate(seeds[i % seeds.count], &rng)) else { continue }
        for pair in d.pairs {
          if case .object(let o) = pair.value, let t = o as? RestrictedUnpickler.TorchTensor { _ = t.floats }
        }
      } catch is EventsError { errors += 1 } catch { Issue.record("unexpected \(error)") }
    }
    #expect(errors > 0)
  }

  @Test func gzipAndBraille() throws {
    var rng = RandomStream(seed: 4, purpose: "fuzz.gzip")
    let valid = try Fixtures.bytes("braille_small.pkl.gz")
    for _ in 0..<(Self.iterations / 4) {
      do { _ = try Braille.readRecordings(Self.mutate(valid, &rng), file: "f.pkl.gz") } catch is EventsError {} catch {
        Issue.record("unexpected \(error)")
      }
    }
  }

  @Test func framesContainer() throws {
    let dir = Scratch()
    defer { dir.cleanup() }
    try SyntheticDataset.write(like: .shd, train: 2, test: 1, seed: 1, eventsPerSample: 40, to: dir.file("e"))
    try Binning.bin(events: dir.file("e"), frames: 4, splitBy: .number, to: dir.file("f"))
    let valid = try readBytes(dir.file("f"))
    var rng = RandomStream(seed: 5, purpose: "fuzz.frames")
    for _ in 0..<(Self.iterations / 10) {
      try Data(Self.mutate(valid, &rng)).write(to: dir.file("m"))
      // Without the checksum, the structural checks alone must hold; then every access is safe.
      guard let f = try? FramesContainer(contentsOf: dir.file("m"), verifyChecksum: false) else { continue }
      for i in 0..<f.sampleCount { _ = f.denseFrames(sample: i) }
    }
  }
}
