/// One labelled recording as structure-of-arrays columns, in file order.
///
/// Cameras fill `t`, `x`, `y`, `p`; channel data fill `t` and `x` (the unit), and `values` when
/// the data are analog (Braille). Timestamps are integer ticks of the container's ``TimeBase``.
public struct EventSample: Equatable, Sendable {
  public var t: [Int64]
  /// Pixel column, or the channel (unit) index.
  public var x: [UInt16]
  /// Pixel row; empty for channel data.
  public var y: [UInt16]
  /// Polarity, 0 = OFF, 1 = ON; empty for channel data.
  public var p: [UInt8]
  /// Analog value per event; empty when every event counts 1.
  public var values: [Float]

  public init(t: [Int64] = [], x: [UInt16] = [], y: [UInt16] = [], p: [UInt8] = [], values: [Float] = []) {
    self.t = t
    self.x = x
    self.y = y
    self.p = p
    self.values = values
  }

  /// The number of events.
  public var count: Int { t.count }

  public mutating func reserveCapacity(_ n: Int) {
    t.reserveCapacity(n)
    x.reserveCapacity(n)
    y.reserveCapacity(n)
    p.reserveCapacity(n)
  }
}

/// A read-only view of one sample's columns inside a memory-mapped ``EventsContainer``;
/// valid while the container is alive. `y`, `p` and `values` are empty where not stored.
public struct EventColumns {
  public let t: UnsafeBufferPointer<Int64>
  public let x: UnsafeBufferPointer<UInt16>
  public let y: UnsafeBufferPointer<UInt16>
  public let p: UnsafeBufferPointer<UInt8>
  public let values: UnsafeBufferPointer<Float>
  public var count: Int { t.count }

  /// Copies the view into an owned ``EventSample``.
  public var sample: EventSample {
    EventSample(t: Array(t), x: Array(x), y: Array(y), p: Array(p), values: Array(values))
  }
}
