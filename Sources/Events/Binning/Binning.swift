/// Event-to-frame integration with spikingjelly's semantics (the `bin` stage).
///
/// Frames are per-time-step event counts: [T, 2, H, W] for cameras (polarity 0 = OFF in
/// channel 0), [T, units] for channel data (analog values are summed instead of counted).
/// Rules, after spikingjelly's `integrate_events_by_fixed_frames_number` and
/// `integrate_events_by_fixed_duration` (datasets.md §5):
///
/// - ``SplitBy/number``: `d = N div T`; frame j takes events `[j·d, (j+1)·d)`, the last frame
///   `[(T−1)·d, N)`.
/// - ``SplitBy/time``: `dt = (t[N−1] − t[0]) div T` (integer floor; float16 true division for
///   ``TimeBase/float16Seconds``, all arithmetic in float16 as numpy does on SHD); frame j
///   takes the first to last event with `t[0] + j·dt ≤ t < t[0] + (j+1)·dt`; the last frame
///   extends to N. An empty window is an error, as in spikingjelly.
/// - ``SplitBy/duration(_:)``: `t' = t − t[min]`, `n = ceil(t'[N−1] / duration)` frames,
///   frame `i < n−1` takes events with `t' div duration == i`, the last frame the rest. The
///   frame count varies per sample.
/// - ``SplitBy/digitize(maxSeconds:)``: SpyTorch's SHD rule: bins = `linspace(0, max, T)`,
///   step = `digitize(t_seconds, bins)`; events whose step is ≥ T are dropped.
public enum Binning {
  /// How a sample's events are divided among time steps.
  public enum SplitBy: Equatable, Hashable, Sendable, Codable, CustomStringConvertible {
    /// Equal event counts per frame (the last frame takes the remainder).
    case number
    /// Equal time spans per frame.
    case time
    /// Fixed frame duration, in microseconds (cameras), milliseconds (float16-second channel
    /// data, as spikingjelly's SHD) or steps (sampled data).
    case duration(Double)
    /// SpyTorch's `np.digitize` over `linspace(0, maxSeconds, T)`.
    case digitize(maxSeconds: Double)

    /// The rule a spec names: `number`, `time`, `duration` (needs `duration`) or `digitize`
    /// (needs `maxSeconds`); nil for anything else.
    public init?(name: String, duration: Double? = nil, maxSeconds: Double? = nil) {
      switch (name, duration, maxSeconds) {
      case ("number", _, _): self = .number
      case ("time", _, _): self = .time
      case ("duration", let d?, _) where d > 0: self = .duration(d)
      case ("digitize", _, let m?) where m > 0: self = .digitize(maxSeconds: m)
      default: return nil
      }
    }

    public var description: String {
      switch self {
      case .number: return "number"
      case .time: return "time"
      case .duration(let d): return "duration(\(d))"
      case .digitize(let m): return "digitize(\(m))"
      }
    }
  }
}

/// Half-open event index ranges, one per frame.
public struct FrameSegments: Equatable, Sendable {
  public var lower: [Int]
  public var upper: [Int]
  public var count: Int { lower.count }
}

extension Binning {
  /// The index range of every frame for a sample whose timestamps are `t` (ticks of
  /// `timeBase`), exactly as spikingjelly computes them. Not defined for `digitize`.
  ///
  /// - Throws: a message (without file) when spikingjelly would fail: no events, an empty
  ///   time window, a zero duration span.
  public static func segments(
    t: UnsafeBufferPointer<Int64>, timeBase: TimeBase, frames: Int, splitBy: SplitBy
  ) throws(SegmentError) -> FrameSegments {
    let n = t.count
    switch splitBy {
    case .number:
      precondition(frames > 0)
      let d = n / frames
      var lower = (0..<frames).map { $0 * d }
      var upper = (0..<frames).map { ($0 + 1) * d }
      upper[frames - 1] = n
      if n == 0 { lower = Array(repeating: 0, count: frames) }
      return FrameSegments(lower: lower, upper: upper)
    case .time:
      precondition(frames > 0)
      guard n > 0 else { throw SegmentError("no events to split by time") }
      if timeBase == .float16Seconds { return try float16TimeSegments(t: t, frames: frames) }
      let t0 = t[0]
      let dt = floorDiv(t[n - 1] - t0, Int64(frames))
      return try windowSegments(count: n, frames: frames, sorted: isSorted(t)) { j in
        (t0 + Int64(j) * dt, t0 + Int64(j + 1) * dt)
      } key: { t[$0] }
    case .duration(let duration):
      guard n > 0 else { throw SegmentError("no events to split by duration") }
      guard duration > 0 else { throw SegmentError("duration must be positive") }
      if timeBase == .float16Seconds { return try float16DurationSegments(t: t, durationMs: duration) }
      var tmin = t[0]
      for v in t where v < tmin { tmin = v }
      let last = Double(t[n - 1] - tmin)
      let frameCount = Int((last / duration).rounded(.up))
      guard frameCount > 0 else { throw SegmentError("all events share one timestamp: zero frames of duration \(duration)") }
      let bins = t.map { Int64((Double($0 - tmin) / duration).rounded(.down)) }
      return durationSegments(bins: bins, frames: frameCount)
    case .digitize:
      preconditionFailure("digitize assigns steps per event; use stepIndices")
    }
  }

  /// SpyTorch's digitize step of every event (−1 for events past the last bin).
  public static func digitizedSteps(
    t: UnsafeBufferPointer<Int64>, timeBase: TimeBase, frames: Int, maxSeconds: Double
  ) -> [Int] {
    precondition(frames >= 1)
    // numpy.linspace(0, max, T): i * step, last set to max exactly.
    let step = frames > 1 ? maxSeconds / Double(frames - 1) : 0
    var bins = (0..<frames).map { Double($0) * step }
    bins[frames - 1] = maxSeconds
    let scale = 1 / timeBase.ticksPerSecond
    return t.map { tick in
      let seconds = Double(tick) * scale
      // digitize (right=False): i such that bins[i-1] <= x < bins[i].
      var lo = 0, hi = frames
      while lo < hi {
        let mid = (lo + hi) / 2
        if bins[mid] <= seconds { lo = mid + 1 } else { hi = mid }
      }
      return lo < frames ? lo : -1
    }
  }

  /// A message explaining why a sample cannot be binned the way spikingjelly would.
  public struct SegmentError: Error, CustomStringConvertible, Sendable {
    public var description: String
    init(_ description: String) { self.description = description }
  }

  static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
    let q = a / b
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q
  }

  static func isSorted<C: Collection>(_ c: C) -> Bool where C.Element: Comparable {
    var previous: C.Element?
    for v in c {
      if let p = previous, v < p { return false }
      previous = v
    }
    return true
  }

  /// Window j = [lo_j, hi_j): first and last+1 index of the events inside it (numpy's
  /// boolean-mask semantics); the last frame's upper bound is forced to N.
  static func windowSegments<K: Comparable>(
    count n: Int, frames: Int, sorted: Bool, window: (Int) -> (K, K), key: (Int) -> K
  ) throws(SegmentError) -> FrameSegments {
    var lower = [Int](repeating: 0, count: frames)
    var upper = [Int](repeating: 0, count: frames)
    for j in 0..<frames {
      let (lo, hi) = window(j)
      var first = -1, last = -1
      if sorted {
        first = lowerBound(n) { key($0) >= lo }
        let end = lowerBound(n) { key($0) >= hi }
        if first < end { last = end - 1 } else { first = -1 }
      } else {
        for i in 0..<n {
          let v = key(i)
          if v >= lo && v < hi {
            if first < 0 { first = i }
            last = i
          }
        }
      }
      guard first >= 0 else {
        throw SegmentError("time window \(j) of \(frames) contains no event (spikingjelly fails here too)")
      }
      lower[j] = first
      upper[j] = last + 1
    }
    upper[frames - 1] = n
    return FrameSegments(lower: lower, upper: upper)
  }

  /// The first index in 0..<n for which `predicate` (monotone false→true) holds, or n.
  static func lowerBound(_ n: Int, _ predicate: (Int) -> Bool) -> Int {
    var lo = 0, hi = n
    while lo < hi {
      let mid = (lo + hi) / 2
      if predicate(mid) { hi = mid } else { lo = mid + 1 }
    }
    return lo
  }

  /// spikingjelly's fixed-duration loop: `right = searchsorted(bins, i + 1, 'left')`.
  static func durationSegments<B: Comparable & Numeric>(bins: [B], frames: Int) -> FrameSegments {
    var lower = [Int](), upper = [Int]()
    var left = 0
    for i in 0..<(frames - 1) {
      let target = B(exactly: i + 1)!
      let right = lowerBound(bins.count) { bins[$0] >= target }
      lower.append(left)
      upper.append(right)
      left = right
    }
    lower.append(left)
    upper.append(bins.count)
    return FrameSegments(lower: lower, upper: upper)
  }
}
