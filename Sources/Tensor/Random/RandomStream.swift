/// A deterministic, counter-based random stream keyed by `(seed, purpose)`.
///
/// Draw `i` of a stream is a pure function of its key and `i` (SplitMix64's finaliser over
/// `key &+ i · γ`), so streams are reproducible across runs, machines and thread schedules,
/// and adding a new consumer with a new purpose shifts no other stream.
///
/// ```swift
/// var rng = RandomStream(seed: 3, purpose: "sdfa.feedback")
/// let b = (0..<100).map { _ in rng.nextNormal() }
/// ```
public struct RandomStream: Sendable {
  /// The stream's 64-bit key, derived from seed and purpose.
  public let key: UInt64
  /// Index of the next draw.
  public var counter: UInt64

  public init(seed: UInt64, purpose: String, counter: UInt64 = 0) {
    self.key = RandomStream.mix(seed &* 0x9E37_79B9_7F4A_7C15 ^ RandomStream.fnv1a(purpose))
    self.counter = counter
  }

  /// A stream whose key is derived from this one's and `purpose` (e.g. one per sample).
  public func substream(_ purpose: String) -> RandomStream {
    RandomStream(seed: key, purpose: purpose)
  }

  /// The next 64 uniformly distributed bits.
  @inlinable
  public mutating func next() -> UInt64 {
    let value = RandomStream.mix(key &+ counter &* 0x9E37_79B9_7F4A_7C15)
    counter &+= 1
    return value
  }

  /// A uniform `Float` in [0, 1) with 24 random bits.
  @inlinable
  public mutating func nextFloat() -> Float {
    Float(next() >> 40) * (1.0 / 16_777_216.0)
  }

  /// A uniform `Double` in [0, 1) with 53 random bits.
  @inlinable
  public mutating func nextDouble() -> Double {
    Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
  }

  /// A uniform integer in `0..<bound` (Lemire's nearly-divisionless method, unbiased).
  @inlinable
  public mutating func nextInt(below bound: Int) -> Int {
    precondition(bound > 0, "bound must be positive")
    let b = UInt64(bound)
    var product = next().multipliedFullWidth(by: b)
    if product.low < b {
      let threshold = (0 &- b) % b
      while product.low < threshold { product = next().multipliedFullWidth(by: b) }
    }
    return Int(product.high)
  }

  /// A standard normal draw (Box–Muller on two uniforms; one draw per call, the second discarded
  /// so that draw `i` depends only on counters `2i` and `2i+1`).
  @inlinable
  public mutating func nextNormal() -> Float {
    let u1 = max(nextDouble(), 1e-300)
    let u2 = nextDouble()
    return Float((-2 * _log(u1)).squareRoot() * _cos(2 * Double.pi * u2))
  }

  /// Fisher–Yates shuffle of `0..<count`.
  public mutating func permutation(_ count: Int) -> [Int] {
    var p = Array(0..<count)
    if count > 1 {
      for i in stride(from: count - 1, to: 0, by: -1) { p.swapAt(i, nextInt(below: i + 1)) }
    }
    return p
  }

  @usableFromInline
  static func mix(_ x: UInt64) -> UInt64 {
    var z = x &+ 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  static func fnv1a(_ s: String) -> UInt64 {
    var h: UInt64 = 0xCBF2_9CE4_8422_2325
    for byte in s.utf8 { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
    return h
  }
}

#if canImport(Glibc)
  import Glibc
  @usableFromInline func _log(_ x: Double) -> Double { Glibc.log(x) }
  @usableFromInline func _cos(_ x: Double) -> Double { Glibc.cos(x) }
#else
  import Darwin
  @usableFromInline func _log(_ x: Double) -> Double { Darwin.log(x) }
  @usableFromInline func _cos(_ x: Double) -> Double { Darwin.cos(x) }
#endif
