import Tensor

/// Camera-like synthetic samples: shapes whose edges fire as they move.
enum SyntheticCamera {
  /// 5×7 digit glyphs, one string of 35 bits per digit, row-major.
  static let digitFont: [String] = [
    "01110100011001110101110011000101110", "00100011000010000100001000010001110",
    "01110100010000100010001000100011111", "11111000100010000010000011000101110",
    "00010001100101010010111110001000010", "11111100001111000001000011000101110",
    "00110010001000011110100011000101110", "11111000010001000100010000100001000",
    "01110100011000101110100011000101110", "01110100011000101111000010001001100",
  ]

  /// An edge pixel of a glyph and its outward normal (towards the background).
  struct EdgePixel {
    var x: Int32, y: Int32, nx: Int32, ny: Int32
  }

  /// Edge pixels of digit `d` scaled ×4 to 20×28.
  static let digitEdges: [[EdgePixel]] = (0..<10).map { d in
    let bits = Array(digitFont[d].utf8).map { $0 == UInt8(ascii: "1") }
    var mask = [[Bool]](repeating: [Bool](repeating: false, count: 20), count: 28)
    for gy in 0..<7 { for gx in 0..<5 where bits[gy * 5 + gx] { for y in 0..<4 { for x in 0..<4 { mask[gy * 4 + y][gx * 4 + x] = true } } } }
    return edges(of: mask)
  }

  static func edges(of mask: [[Bool]]) -> [EdgePixel] {
    let h = mask.count, w = mask[0].count
    func filled(_ x: Int, _ y: Int) -> Bool { x >= 0 && y >= 0 && x < w && y < h && mask[y][x] }
    var out: [EdgePixel] = []
    for y in 0..<h {
      for x in 0..<w where mask[y][x] {
        var nx: Int32 = 0, ny: Int32 = 0
        if !filled(x - 1, y) { nx -= 1 }
        if !filled(x + 1, y) { nx += 1 }
        if !filled(x, y - 1) { ny -= 1 }
        if !filled(x, y + 1) { ny += 1 }
        if nx != 0 || ny != 0 || !filled(x - 1, y - 1) || !filled(x + 1, y + 1) {
          out.append(EdgePixel(x: Int32(x), y: Int32(y), nx: nx, ny: ny))
        }
      }
    }
    return out
  }

  /// Three saccades of 100 ms each along a triangle, as the N-MNIST/N-Caltech101 camera moved.
  static let saccadeVertices: [(Int32, Int32)] = [(-2, 2), (0, -2), (2, 2), (-2, 2)]

  /// Shared sweep: `count` events at a constant rate over `duration` µs, each on an edge pixel
  /// moved by the saccade path (scaled by `amplitude`), polarity from the edge normal and the
  /// motion, plus `noise` (out of 256) uniformly scattered events.
  static func sweep(
    edges: [EdgePixel], origin: (Int32, Int32), amplitude: Int32, width: Int, height: Int, count: Int,
    duration: Int64, noise: UInt64, rng: inout RandomStream
  ) -> EventSample {
    var sample = EventSample()
    sample.reserveCapacity(count)
    let saccade = duration / 3
    let edgeCount = UInt64(edges.count)
    for i in 0..<count {
      let r = rng.next()
      let t = (Int64(i) * duration + Int64(r & 0xFFFF) * duration / 65536) / Int64(count)
      var x: Int32, y: Int32, p: UInt8
      if (r >> 16) & 0xFF < noise {
        x = Int32((r >> 24) % UInt64(width))
        y = Int32((r >> 40) % UInt64(height))
        p = UInt8((r >> 63) & 1)
      } else {
        let k = Int(min(2, t / saccade))
        let frac = Int32(((t - Int64(k) * saccade) * 1024) / saccade)
        let (ax, ay) = saccadeVertices[k], (bx, by) = saccadeVertices[k + 1]
        let vx = bx - ax, vy = by - ay
        let e = edges[Int((r >> 24) % edgeCount)]
        x = origin.0 + e.x + amplitude * (ax * 1024 + vx * frac) / 1024
        y = origin.1 + e.y + amplitude * (ay * 1024 + vy * frac) / 1024
        let dot = e.nx * vx + e.ny * vy
        p = dot > 0 ? 1 : dot < 0 ? 0 : UInt8((r >> 63) & 1)
      }
      sample.t.append(t)
      sample.x.append(UInt16(max(0, min(Int32(width - 1), x))))
      sample.y.append(UInt16(max(0, min(Int32(height - 1), y))))
      sample.p.append(p)
    }
    return sample
  }

  static func nmnist(label: Int, count: Int, rng: inout RandomStream) -> EventSample {
    let jx = Int32(rng.nextInt(below: 5)) - 2, jy = Int32(rng.nextInt(below: 3)) - 1
    return sweep(
      edges: digitEdges[label], origin: (7 + jx, 3 + jy), amplitude: 1, width: 34, height: 34, count: count,
      duration: 300_000, noise: 13, rng: &rng)
  }

  /// A class-specific polygon outline, fixed for the class (independent of the seed).
  static func polygonEdges(label: Int, width: Int, height: Int) -> [EdgePixel] {
    var rng = RandomStream(seed: UInt64(label), purpose: "synthetic.ncaltech101.shape")
    let vertices = 3 + rng.nextInt(below: 5)
    let cx = Float(width) / 2, cy = Float(height) / 2
    var points: [(Float, Float)] = []
    for v in 0..<vertices {
      let angle = (Float(v) + 0.8 * rng.nextFloat()) * 2 * Float.pi / Float(vertices)
      let radius = 0.35 + 0.6 * rng.nextFloat()
      points.append((cx + radius * cx * 0.8 * cosf(angle), cy + radius * cy * 0.8 * sinf(angle)))
    }
    var mask = [[Bool]](repeating: [Bool](repeating: false, count: width), count: height)
    for v in 0..<vertices {
      let (x0, y0) = points[v], (x1, y1) = points[(v + 1) % vertices]
      let steps = Int(max(abs(x1 - x0), abs(y1 - y0))) + 1
      for s in 0...steps {
        let f = Float(s) / Float(steps)
        let x = Int(x0 + f * (x1 - x0)), y = Int(y0 + f * (y1 - y0))
        for dy in 0..<2 { for dx in 0..<2 where y + dy < height && x + dx < width { mask[y + dy][x + dx] = true } }
      }
    }
    // Inner detail: a class-specific bar, so that classes with similar outlines still differ.
    let barY = Int(Float(height) * (0.3 + 0.4 * rng.nextFloat()))
    for x in (width / 3)..<(2 * width / 3) { mask[barY][x] = true }
    return edges(of: mask)
  }

  static let caltechShapes: [[EdgePixel]] = (0..<101).map { polygonEdges(label: $0, width: 200, height: 150) }

  static func ncaltech(label: Int, count: Int, seed: UInt64, rng: inout RandomStream) -> EventSample {
    let jx = Int32(rng.nextInt(below: 9)) - 4, jy = Int32(rng.nextInt(below: 9)) - 4
    return sweep(
      edges: caltechShapes[label], origin: (20 + jx, 15 + jy), amplitude: 3, width: 240, height: 180, count: count,
      duration: 300_000, noise: 20, rng: &rng)
  }

  /// Per-class hand motion: centre (bx, by), amplitude (ax, ay), angular speed (turns over
  /// the recording), whether a mirrored second hand moves too, and its phase.
  struct Gesture {
    var bx: Float, by: Float, ax: Float, ay: Float, turns: Float, twoHands: Bool, phase: Float
  }

  static let gestures: [Gesture] = [
    Gesture(bx: 40, by: 64, ax: 20, ay: 0, turns: 6, twoHands: true, phase: 0),  // clapping
    Gesture(bx: 90, by: 40, ax: 18, ay: 0, turns: 5, twoHands: false, phase: 0),  // right wave
    Gesture(bx: 38, by: 40, ax: 18, ay: 0, turns: 5, twoHands: false, phase: 0),  // left wave
    Gesture(bx: 90, by: 64, ax: 25, ay: 25, turns: 3, twoHands: false, phase: 0),  // right cw
    Gesture(bx: 90, by: 64, ax: 25, ay: -25, turns: 3, twoHands: false, phase: 0),  // right ccw
    Gesture(bx: 38, by: 64, ax: 25, ay: 25, turns: 3, twoHands: false, phase: 0),  // left cw
    Gesture(bx: 38, by: 64, ax: 25, ay: -25, turns: 3, twoHands: false, phase: 0),  // left ccw
    Gesture(bx: 64, by: 70, ax: 12, ay: 12, turns: 8, twoHands: false, phase: 0),  // arm roll
    Gesture(bx: 40, by: 80, ax: 0, ay: 20, turns: 7, twoHands: true, phase: Float.pi),  // air drums
    Gesture(bx: 64, by: 90, ax: 15, ay: 15, turns: 6, twoHands: false, phase: Float.pi / 2),  // air guitar
    Gesture(bx: 64, by: 50, ax: 35, ay: 20, turns: 2.3, twoHands: false, phase: 1),  // other
  ]

  static let unitCircle: [(Float, Float)] = (0..<256).map { (cosf(Float($0) * Float.pi / 128), sinf(Float($0) * Float.pi / 128)) }

  static func gesture(label: Int, count: Int, duration: Int64, rng: inout RandomStream) -> EventSample {
    let g = gestures[label]
    let jx = Float(rng.nextInt(below: 11)) - 5, jy = Float(rng.nextInt(below: 11)) - 5
    let phase0 = rng.nextFloat() * 2 * Float.pi
    // Hand centres on a 1 ms grid.
    let grid = Int(duration / 1000) + 1
    var centres: [(Float, Float)] = []
    centres.reserveCapacity(grid)
    for k in 0..<grid {
      let a = phase0 + 2 * Float.pi * g.turns * Float(k) / Float(grid)
      centres.append((g.bx + jx + g.ax * cosf(a), g.by + jy + g.ay * sinf(a)))
    }
    var sample = EventSample()
    sample.reserveCapacity(count)
    for i in 0..<count {
      let r = rng.next()
      let t = (Int64(i) * duration + Int64(r & 0xFFFF) * duration / 65536) / Int64(count)
      var (cx, cy) = centres[Int(t / 1000)]
      if g.twoHands && (r >> 62) & 1 == 1 {
        // Mirrored hand, phase-shifted.
        let a = phase0 + g.phase + 2 * Float.pi * g.turns * Float(t) / Float(duration)
        cx = 128 - (g.bx + jx + g.ax * cosf(a))
        cy = g.by + jy + g.ay * sinf(a)
      }
      var x: Float, y: Float
      if (r >> 16) & 0xFF < 25 {
        x = Float((r >> 24) & 0x7F)
        y = Float((r >> 31) & 0x7F)
      } else {
        let (ux, uy) = unitCircle[Int((r >> 24) & 0xFF)]
        let radius = 6 + Float((r >> 32) & 0x7) * 0.6
        x = cx + radius * ux
        y = cy + radius * uy
      }
      sample.t.append(t)
      sample.x.append(UInt16(max(0, min(127, x))))
      sample.y.append(UInt16(max(0, min(127, y))))
      sample.p.append(UInt8((r >> 40) & 1))
    }
    return sample
  }
}

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
