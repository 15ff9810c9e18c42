#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

extension Binning {
  /// Float16 seconds from ticks of 2⁻²⁴ s (exact: every float16 value is such a multiple).
  static func float16(ticks: Int64) -> Float16 {
    Float16(Double(ticks) * (1.0 / 16_777_216.0))
  }

  /// spikingjelly's SHD `split_by='time'`: numpy evaluates `dt = (t[-1] - t[0]) / T`,
  /// `dt * j + t[0]`, `+ dt` and the comparisons on float16 scalars, rounding each result to
  /// half precision.
  static func float16TimeSegments(t: UnsafeBufferPointer<Int64>, frames: Int) throws(SegmentError) -> FrameSegments {
    let half = t.map(float16(ticks:))
    let n = half.count
    let t0 = half[0]
    let dt: Float16 = (half[n - 1] - t0) / Float16(frames)
    return try windowSegments(count: n, frames: frames, sorted: isSorted(half)) { j in
      let lo: Float16 = dt * Float16(j) + t0
      return (lo, lo + dt)
    } key: { half[$0] }
  }

  /// numpy's float16 `floor_divide`: both operands widened to float32, `npy_divmodf`
  /// (`(a − fmod(a, b)) / b`, floored, rounded up past .5), narrowed back to float16. It can
  /// differ from `floor(a / b)` when the quotient rounds up to an integer.
  static func numpyFloorDivide(_ a16: Float16, _ b16: Float16) -> Float16 {
    let a = Float(a16), b = Float(b16)
    guard b != 0 else { return Float16(a / b) }
    var mod = fmodf(a, b)
    var div = (a - mod) / b
    if mod != 0 {
      if (b < 0) != (mod < 0) {
        mod += b
        div -= 1
      }
    }
    var floored: Float
    if div != 0 {
      floored = div.rounded(.down)
      if div - floored > 0.5 { floored += 1 }
    } else {
      floored = (a / b).sign == .minus ? -0.0 : 0.0
    }
    return Float16(floored)
  }

  /// spikingjelly's SHD fixed duration: `t = 1000 * times` (float16), `t -= t[0]`,
  /// `n = ceil(t[-1] / duration)`, bin = `floor(t / duration)`, all in float16.
  static func float16DurationSegments(t: UnsafeBufferPointer<Int64>, durationMs: Double) throws(SegmentError) -> FrameSegments {
    let thousand: Float16 = 1000
    var ms = t.map { thousand * float16(ticks: $0) }
    let first = ms[0]
    for i in ms.indices { ms[i] = ms[i] - first }
    let duration = Float16(durationMs)
    let last: Float16 = ms[ms.count - 1] / duration
    let frames = Int(last.rounded(.up))
    guard frames > 0 else { throw SegmentError("all events share one timestamp: zero frames of duration \(durationMs) ms") }
    let bins = ms.map { numpyFloorDivide($0, duration) }
    return durationSegments(bins: bins, frames: frames)
  }
}
