/// The binning kernel: turns index ranges of events into sparse frames.
///
/// Counts go into a dense scratch frame while a bitmap marks the touched features; emission
/// walks the bitmap word by word (`trailingZeroBitCount`), so entries come out in ascending
/// feature order without sorting, and the scratch is cleared as it is read. Per frame:
/// O(events + features/64 + touched), branch-free in the event loop, no allocation after
/// `init`.
final class FrameAccumulator {
  let layout: SensorLayout
  let featureCount: Int
  private let dense: UnsafeMutablePointer<Float>
  private let bitmap: UnsafeMutablePointer<UInt64>
  private let words: Int
  /// The last frame's ascending feature indices (valid until the next `integrate`).
  let indices: UnsafeMutablePointer<Int32>
  /// The last frame's values.
  let values: UnsafeMutablePointer<Float>
  /// Entries of the last frame.
  private(set) var count = 0

  init(layout: SensorLayout) {
    self.layout = layout
    featureCount = layout.featureCount
    words = (featureCount + 63) / 64
    dense = .allocate(capacity: featureCount)
    dense.initialize(repeating: 0, count: featureCount)
    bitmap = .allocate(capacity: words)
    bitmap.initialize(repeating: 0, count: words)
    indices = .allocate(capacity: featureCount)
    values = .allocate(capacity: featureCount)
  }

  deinit {
    dense.deallocate()
    bitmap.deallocate()
    indices.deallocate()
    values.deallocate()
  }

  var frameIndices: UnsafeBufferPointer<Int32> { UnsafeBufferPointer(start: indices, count: count) }
  var frameValues: UnsafeBufferPointer<Float> { UnsafeBufferPointer(start: values, count: count) }

  /// Accumulates the events at positions `range` of `columns` into one frame.
  /// - Returns: the index of the first event outside the sensor, if any (that event is skipped).
  func integrate(_ columns: EventColumns, range: Range<Int>) -> Int? {
    var bad: Int?
    // Locals, so that the stores below cannot be assumed to alias them.
    let d = dense, bm = bitmap
    var i = range.lowerBound
    let end = range.upperBound
    switch layout {
    case .camera(let w, let h):
      let hw = w &* h
      guard i < end, let xs = columns.x.baseAddress, let ys = columns.y.baseAddress, let ps = columns.p.baseAddress else { break }
      while i < end {
        let x = Int(xs[i]), y = Int(ys[i])
        if _slowPath(x >= w || y >= h) {
          bad = bad ?? i
          i &+= 1
          continue
        }
        let f = (ps[i] == 0 ? 0 : hw) &+ y &* w &+ x
        d[f] += 1
        bm[f &>> 6] |= 1 &<< UInt64(truncatingIfNeeded: f & 63)
        i &+= 1
      }
    case .channels:
      guard i < end, let xs = columns.x.baseAddress else { break }
      let count = featureCount
      if let vs = columns.values.baseAddress {
        while i < end {
          let f = Int(xs[i])
          if _slowPath(f >= count) {
            bad = bad ?? i
          } else {
            d[f] += vs[i]
            bm[f &>> 6] |= 1 &<< UInt64(truncatingIfNeeded: f & 63)
          }
          i &+= 1
        }
      } else {
        while i < end {
          let f = Int(xs[i])
          if _slowPath(f >= count) {
            bad = bad ?? i
          } else {
            d[f] += 1
            bm[f &>> 6] |= 1 &<< UInt64(truncatingIfNeeded: f & 63)
          }
          i &+= 1
        }
      }
    }
    emit()
    return bad
  }

  /// Accumulates the events of `columns` whose entry in `steps` equals `step` (digitize rule).
  func integrate(_ columns: EventColumns, steps: [Int], step: Int) -> Int? {
    var bad: Int?
    steps.withUnsafeBufferPointer { s in
      for i in 0..<columns.count where s[i] == step {
        let f: Int
        switch layout {
        case .camera(let w, let h):
          let x = Int(columns.x[i]), y = Int(columns.y[i])
          guard x < w, y < h else {
            bad = bad ?? i
            continue
          }
          f = (columns.p[i] == 0 ? 0 : w * h) + y * w + x
        case .channels:
          f = Int(columns.x[i])
          guard f < featureCount else {
            bad = bad ?? i
            continue
          }
        }
        dense[f] += columns.values.isEmpty ? 1 : columns.values[i]
        bitmap[f &>> 6] |= 1 &<< UInt64(f & 63)
      }
    }
    emit()
    return bad
  }

  /// Moves the touched features, ascending, into `indices`/`values` and clears the scratch.
  /// Features whose summed value is exactly 0 (cancelling analog values) are left out.
  private func emit() {
    let d = dense, bm = bitmap, out = indices, vals = values
    var n = 0
    for word in 0..<words {
      var bits = bm[word]
      if bits == 0 { continue }
      bm[word] = 0
      let base = word &<< 6
      repeat {
        let f = base &+ bits.trailingZeroBitCount
        let v = d[f]
        d[f] = 0
        out[n] = Int32(truncatingIfNeeded: f)
        vals[n] = v
        n &+= v != 0 ? 1 : 0
        bits &= bits &- 1
      } while bits != 0
    }
    count = n
  }
}
