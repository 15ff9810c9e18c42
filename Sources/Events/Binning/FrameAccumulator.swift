/// Reusable scratch space that turns index ranges of events into sparse frames: counts go into
/// a dense buffer, the touched features are remembered, then emitted in ascending order and
/// the buffer cleared again. O(events + touched·log touched) per frame, no allocation after
/// the first sample.
struct FrameAccumulator {
  let layout: SensorLayout
  private var dense: [Float]
  private var touched: [Int32] = []
  private(set) var indices: [Int32] = []
  private(set) var values: [Float] = []

  init(layout: SensorLayout) {
    self.layout = layout
    dense = [Float](repeating: 0, count: layout.featureCount)
    touched.reserveCapacity(4096)
    indices.reserveCapacity(4096)
    values.reserveCapacity(4096)
  }

  /// Accumulates the events at positions `range` of `columns` (all of them when `steps` is
  /// nil, else only those whose step equals `step`), then leaves the frame in
  /// ``indices``/``values``.
  /// - Returns: the index of an event whose coordinates fall outside the sensor, if any.
  mutating func integrate(_ columns: EventColumns, range: Range<Int>, steps: [Int]? = nil, step: Int = 0) -> Int? {
    indices.removeAll(keepingCapacity: true)
    values.removeAll(keepingCapacity: true)
    touched.removeAll(keepingCapacity: true)
    var badEvent: Int?
    let featureCount = dense.count
    dense.withUnsafeMutableBufferPointer { d in
      switch layout {
      case .camera(let w, let h):
        let hw = w * h
        for i in range {
          if let steps, steps[i] != step { continue }
          let x = Int(columns.x[i]), y = Int(columns.y[i])
          guard x < w, y < h else {
            badEvent = badEvent ?? i
            continue
          }
          let f = (columns.p[i] == 0 ? 0 : hw) + y * w + x
          if d[f] == 0 { touched.append(Int32(f)) }
          d[f] += 1
        }
      case .channels:
        let hasValues = !columns.values.isEmpty
        for i in range {
          if let steps, steps[i] != step { continue }
          let f = Int(columns.x[i])
          guard f < featureCount else {
            badEvent = badEvent ?? i
            continue
          }
          let v: Float = hasValues ? columns.values[i] : 1
          if d[f] == 0 && v != 0 { touched.append(Int32(f)) }
          d[f] += v
        }
      }
      if touched.count * 16 < featureCount {
        touched.sort()
        for f in touched where d[Int(f)] != 0 {
          indices.append(f)
          values.append(d[Int(f)])
          d[Int(f)] = 0
        }
      } else {
        for f in 0..<featureCount where d[f] != 0 {
          indices.append(Int32(f))
          values.append(d[f])
          d[f] = 0
        }
      }
    }
    return badEvent
  }
}
