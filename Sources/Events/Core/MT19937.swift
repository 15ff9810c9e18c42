/// The Mersenne Twister as numpy's legacy `RandomState` uses it (`np.random.seed(n)` with an
/// integer, then `shuffle`), to reproduce the Braille tutorial's split exactly.
struct MT19937 {
  private var state = [UInt32](repeating: 0, count: 624)
  private var index = 624

  /// `init_genrand(seed)`.
  init(seed: UInt32) {
    state[0] = seed
    for i in 1..<624 { state[i] = 1_812_433_253 &* (state[i - 1] ^ (state[i - 1] >> 30)) &+ UInt32(i) }
  }

  mutating func nextUInt32() -> UInt32 {
    if index >= 624 {
      for i in 0..<624 {
        let y = (state[i] & 0x8000_0000) | (state[(i + 1) % 624] & 0x7FFF_FFFF)
        state[i] = state[(i + 397) % 624] ^ (y >> 1) ^ (y & 1 == 0 ? 0 : 0x9908_B0DF)
      }
      index = 0
    }
    var y = state[index]
    index += 1
    y ^= y >> 11
    y ^= (y << 7) & 0x9D2C_5680
    y ^= (y << 15) & 0xEFC6_0000
    y ^= y >> 18
    return y
  }

  /// numpy's `random_interval(max)`: masked rejection sampling in 0...max.
  mutating func interval(_ max: UInt32) -> UInt32 {
    if max == 0 { return 0 }
    var mask = max
    mask |= mask >> 1; mask |= mask >> 2; mask |= mask >> 4; mask |= mask >> 8; mask |= mask >> 16
    while true {
      let v = nextUInt32() & mask
      if v <= max { return v }
    }
  }

  /// `np.random.shuffle` of a 1-D array, in place.
  mutating func shuffle<T>(_ a: inout [T]) {
    guard a.count > 1 else { return }
    for i in stride(from: a.count - 1, through: 1, by: -1) {
      let j = Int(interval(UInt32(i)))
      a.swapAt(i, j)
    }
  }
}
