import Foundation
import TestSupport
import Testing
@testable import Events

/// Hand-computed cases of the spikingjelly rules.
@Suite struct BinningTests {
  func segments(_ t: [Int64], _ T: Int, _ rule: Binning.SplitBy, _ base: TimeBase = .microseconds) throws -> FrameSegments {
    try t.withUnsafeBufferPointer { try Binning.segments(t: $0, timeBase: base, frames: T, splitBy: rule) }
  }

  @Test func numberGivesTheRemainderToTheLastFrame() throws {
    let s = try segments(Array(0..<11), 3, .number)
    #expect(s.lower == [0, 3, 6] && s.upper == [3, 6, 11])
    // Fewer events than frames: all in the last.
    let few = try segments([5, 6], 4, .number)
    #expect(few.lower == [0, 0, 0, 0] && few.upper == [0, 0, 0, 2])
  }

  @Test func timeUsesFloorAndExtendsTheLastFrame() throws {
    // t0 = 0, t_last = 10, T = 3: dt = 3, windows [0,3) [3,6) [6,9), last extends to N.
    let s = try segments([0, 1, 3, 5, 6, 8, 9, 10], 3, .time)
    #expect(s.lower == [0, 2, 4] && s.upper == [2, 4, 8])
    #expect(throws: Binning.SegmentError.self) { try segments([0, 0, 0], 2, .time) }  // dt = 0
    #expect(throws: Binning.SegmentError.self) { try segments([0, 1, 9, 10], 3, .time) }  // empty window
  }

  @Test func timeWithUnsortedTimestampsFollowsTheMask() throws {
    // Window 0 = [0, 5): events 0 and 2 → [0, 3); window 1 = [5, 10) ∪ rest → events 1, 3.
    let s = try segments([0, 7, 4, 10], 2, .time)
    #expect(s.lower == [0, 1] && s.upper == [3, 4])
  }

  @Test func durationMatchesSpikingjelly() throws {
    // t' = t - 2 = [0, 3, 4, 9, 10], duration 5: n = ceil(10/5) = 2; k = [0,0,0,1,2] → frame 0 = [0,3), frame 1 = rest.
    let s = try segments([2, 5, 6, 11, 12], 0, .duration(5))
    #expect(s.lower == [0, 3] && s.upper == [3, 5])
  }

  @Test func countsPolarityZeroInChannelZero() throws {
    let sample = EventSample(t: [0, 1, 2, 3], x: [1, 1, 0, 1], y: [0, 0, 1, 0], p: [0, 0, 1, 1])
    let f = try Binning.denseFrames(of: sample, layout: .camera(width: 2, height: 2), timeBase: .microseconds, frames: 1, splitBy: .number)
    // channel 0 (OFF): (y0,x1) twice; channel 1 (ON): (y1,x0), (y0,x1).
    #expect(f == [[0, 2, 0, 0, 0, 1, 1, 0]])
  }

  @Test(arguments: [3, 5, 7])
  func float16TimeArithmetic(frames: Int) throws {
    // SHD times are float16 seconds; numpy evaluates dt, the window bounds and the comparisons
    // in float16. Reference: a direct Float16 evaluation of spikingjelly's mask expressions.
    let secs: [Float16] = (0..<40).map { Float16(Double($0 * $0) * 0.0007) }
    let ticks = secs.map { Int64(Double($0) * 16_777_216) }
    let dt: Float16 = (secs[39] - secs[0]) / Float16(frames)
    var lower: [Int] = [], upper: [Int] = []
    for j in 0..<frames {
      let lo: Float16 = dt * Float16(j) + secs[0]
      let hi: Float16 = lo + dt
      let inside = secs.indices.filter { secs[$0] >= lo && secs[$0] < hi }
      guard let first = inside.first, let last = inside.last else {
        #expect(throws: Binning.SegmentError.self) { try segments(ticks, frames, .time, .float16Seconds) }
        return
      }
      lower.append(first)
      upper.append(last + 1)
    }
    upper[frames - 1] = 40
    let s = try segments(ticks, frames, .time, .float16Seconds)
    #expect(s.lower == lower && s.upper == upper)
  }

  @Test func digitizeFollowsNumpy() {
    // bins = linspace(0, 1, 5) = [0, .25, .5, .75, 1]; digitize: 0 → 1, .3 → 2, .75 → 4, 1.0 → 5 (dropped).
    let t: [Int64] = [0, 0.3, 0.75, 1.0].map { Int64($0 * 1_000_000) }
    let steps = t.withUnsafeBufferPointer { Binning.digitizedSteps(t: $0, timeBase: .microseconds, frames: 5, maxSeconds: 1) }
    #expect(steps == [1, 2, 4, -1])
  }

  @Test func channelValuesAreSummed() throws {
    let s = EventSample(t: [0, 0, 1, 1], x: [0, 2, 0, 0], values: [0.5, 1, 2, -2])
    let f = try Binning.denseFrames(of: s, layout: .channels(count: 3), timeBase: .steps, frames: 2, splitBy: .number)
    #expect(f == [[0.5, 0, 1], [0, 0, 0]])
  }
}

@Test func splitByNamesFromSpecs() {
  #expect(Binning.SplitBy(name: "number") == .number)
  #expect(Binning.SplitBy(name: "time") == .time)
  #expect(Binning.SplitBy(name: "duration", duration: 10_000) == .duration(10_000))
  #expect(Binning.SplitBy(name: "duration") == nil)
  #expect(Binning.SplitBy(name: "digitize", maxSeconds: 1.4) == .digitize(maxSeconds: 1.4))
  #expect(Binning.SplitBy(name: "frames") == nil)
}
