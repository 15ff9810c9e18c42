import Foundation
import TestSupport
import Testing
@testable import Events

/// Golden values from spikingjelly on the real N-MNIST recording (datasets.md §5.4).
@Suite struct GoldenNMNISTTests {
  static let layout = SensorLayout.camera(width: 34, height: 34)

  func loadSample() throws -> EventSample? {
    guard RealData.available(RealData.nmnistSample) else { return nil }
    return try ATISBinary.decode(readBytes(RealData.nmnistSample), file: RealData.nmnistSample.path, sensor: (34, 34))
  }

  @Test func decodesTheRealRecording() throws {
    guard let s = try loadSample() else { return }
    #expect(s.count == 4325)
    #expect(s.p.filter { $0 == 1 }.count == 2145)
    #expect(s.p.filter { $0 == 0 }.count == 2180)
    #expect(s.t.first == 654 && s.t.last == 311_175)
    #expect(s.t.min() == 654 && s.t.max() == 311_175)
    #expect((s.x[0], s.y[0], s.p[0], s.t[0]) == (7, 15, 1, 654))
    #expect((s.x[1], s.y[1], s.p[1], s.t[1]) == (19, 18, 0, 2999))
    #expect(s.x.max()! <= 33 && s.y.max()! <= 33)
  }

  func frames(_ s: EventSample, _ T: Int, _ rule: Binning.SplitBy) throws -> [[Float]] {
    try Binning.denseFrames(of: s, layout: Self.layout, timeBase: .microseconds, frames: T, splitBy: rule)
  }

  func hash(_ frames: [[Float]]) -> String { sha256Hex(littleEndianBytes(frames.flatMap { $0 })) }
  func channelSums(_ frames: [[Float]], _ c: Int) -> [Int] { frames.map { Int($0[(c * 1156)..<((c + 1) * 1156)].reduce(0, +)) } }

  @Test func numberT10() throws {
    guard let s = try loadSample() else { return }
    let f = try frames(s, 10, .number)
    #expect(channelSums(f, 0) == [216, 216, 213, 225, 217, 214, 217, 225, 214, 223])
    #expect(channelSums(f, 1) == [216, 216, 219, 207, 215, 218, 215, 207, 218, 214])
    #expect(f.flatMap { $0 }.max() == 8)
    #expect(f[0][1156 + 15 * 34 + 7] == 1)
    #expect(f[0][18 * 34 + 19] == 5)
    #expect(hash(f) == "9ef5fb8b345db085a8ca0893ee1a2fa8e1796c25a8abd8ed0ee2b82540ff2734")
  }

  @Test func timeT10() throws {
    guard let s = try loadSample() else { return }
    let seg = try s.t.withUnsafeBufferPointer { try Binning.segments(t: $0, timeBase: .microseconds, frames: 10, splitBy: .time) }
    #expect(seg.lower == [0, 198, 987, 1360, 1551, 2205, 2592, 2771, 3219, 4074])
    #expect(seg.upper == [198, 987, 1360, 1551, 2205, 2592, 2771, 3219, 4074, 4325])
    let f = try frames(s, 10, .time)
    #expect(channelSums(f, 0) == [103, 390, 187, 99, 331, 191, 91, 228, 436, 124])
    #expect(channelSums(f, 1) == [95, 399, 186, 92, 323, 196, 88, 220, 419, 127])
    #expect(f.flatMap { $0 }.max() == 7)
    #expect(hash(f) == "e6ff1b3e9d4b7d5fada0ac55ae6fdacc2fc0b851b032b50973bee7a63568b8ac")
  }

  @Test func numberT16() throws {
    guard let s = try loadSample() else { return }
    let f = try frames(s, 16, .number)
    #expect(Int(f[15].reduce(0, +)) == 275)
    #expect(Int(f[0].reduce(0, +)) == 270)
    #expect(hash(f) == "d2f732a335ce4ec6a176fcb2bba1a76413883076563a7f4560de2bd523c9bb5f")
  }

  @Test func timeT16() throws {
    guard let s = try loadSample() else { return }
    let seg = try s.t.withUnsafeBufferPointer { try Binning.segments(t: $0, timeBase: .microseconds, frames: 16, splitBy: .time) }
    #expect(seg.lower == [0, 62, 354, 883, 1295, 1366, 1472, 1761, 2205, 2514, 2631, 2755, 2806, 3329, 3924, 4241])
    #expect(hash(try frames(s, 16, .time)) == "5972b2d948d9689a53e47de474cd3c1fd7f7e6b18bab031e6d1624d83b027f41")
  }

  @Test func fixedDuration() throws {
    guard let s = try loadSample() else { return }
    let f10 = try frames(s, 0, .duration(10_000))
    #expect(f10.map { Int($0.reduce(0, +)) } == [
      16, 50, 114, 200, 270, 284, 249, 128, 44, 18, 56, 76, 138, 214, 244, 187, 170, 98, 53, 52, 75, 40, 5, 195, 275,
      315, 311, 204, 149, 74, 19, 2,
    ])
    #expect(hash(f10) == "2265a7953dfe44bf6c6158ec90bcbcd54536b1105722cde7c2450f074211310b")
    let f50 = try frames(s, 0, .duration(50_000))
    #expect(f50.map { Int($0.reduce(0, +)) } == [650, 723, 728, 560, 590, 1053, 21])
    #expect(hash(f50) == "3902cd025eb9eb3b1b1d14739c728ce43afe669ea0a18b02f4fe0b660a2886d3")
  }
}
