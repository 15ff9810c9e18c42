import Tensor

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Channel-like synthetic samples: spatio-temporal patterns over units.
enum SyntheticChannels {
  /// A formant track: unit `start + slope·τ` (τ ∈ [0, 1] over the track) active between
  /// fractions `from` and `to` of the recording.
  struct Track {
    var start: Float, slope: Float, from: Float, to: Float
  }

  /// Four tracks per class, fixed for the class (independent of the seed).
  static let shdTracks: [[Track]] = (0..<20).map { label in
    var rng = RandomStream(seed: UInt64(label), purpose: "synthetic.shd.tracks")
    return (0..<4).map { _ in
      let from = 0.6 * rng.nextFloat()
      return Track(
        start: 60 + 580 * rng.nextFloat(), slope: 300 * (rng.nextFloat() - 0.5), from: from,
        to: min(1, from + 0.2 + 0.4 * rng.nextFloat()))
    }
  }

  static func shd(label: Int, count: Int, seed: UInt64, rng: inout RandomStream) -> EventSample {
    let tracks = shdTracks[label]
    let stretch = 0.85 + 0.3 * rng.nextFloat()  // speaking rate
    let shift = Float(rng.nextInt(below: 31)) - 15  // pitch
    var packed = [UInt32]()
    packed.reserveCapacity(count)
    for _ in 0..<count {
      let r = rng.next()
      var unit: Float, seconds: Float
      let u = Float(r & 0xFFFF) / 65536
      if (r >> 16) & 0xFF < 15 {
        unit = Float((r >> 24) % 700)
        seconds = 0.9 * u
      } else {
        let track = tracks[Int((r >> 24) & 3)]
        let tau = track.from + (track.to - track.from) * u
        let spread = Float(Int((r >> 32) & 0xF) + Int((r >> 36) & 0xF)) - 15
        unit = track.start + shift + track.slope * u + spread
        seconds = min(0.95, tau * 0.9 * stretch)
      }
      let half = Float16(seconds)
      packed.append((UInt32(half.bitPattern) << 16) | UInt32(max(0, min(699, unit))))
    }
    // Non-negative float16 bit patterns sort like their values.
    packed.sort()
    var sample = EventSample()
    sample.t.reserveCapacity(count)
    sample.x.reserveCapacity(count)
    for v in packed {
      let half = Float16(bitPattern: UInt16(v >> 16))
      sample.t.append(Int64(Double(half) * 16_777_216))
      sample.x.append(UInt16(v & 0xFFFF))
    }
    return sample
  }

  /// Per-letter taxel patterns: two bumps per taxel with class-specific centres and heights.
  static let brailleBumps: [[(Float, Float, Float)]] = (0..<27).map { label in
    var rng = RandomStream(seed: UInt64(label), purpose: "synthetic.braille.bumps")
    return (0..<8).map { _ in (152 * rng.nextFloat(), 8 + 20 * rng.nextFloat(), 3 * (rng.nextFloat() - 0.3)) }
  }

  /// Dense 152 steps × 4 taxels of standardised-looking analog values, events in step order.
  static func braille(label: Int, seed: UInt64, rng: inout RandomStream) -> EventSample {
    let bumps = brailleBumps[label]
    let shift = Float(rng.nextInt(below: 9)) - 4
    var sample = EventSample()
    for step in 0..<152 {
      for taxel in 0..<4 {
        var v: Float = 0
        for b in 0..<2 {
          let (centre, width, height) = bumps[taxel * 2 + b]
          let d = (Float(step) - centre - shift) / width
          v += height * expf(-d * d)
        }
        v += 0.3 * rng.nextNormal()
        sample.t.append(Int64(step))
        sample.x.append(UInt16(taxel))
        sample.values.append(v)
      }
    }
    return sample
  }
}
