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
    let bins = ms.map { (v: Float16) -> Float16 in (v / duration).rounded(.down) }
    return durationSegments(bins: bins, frames: frames)
  }
}
