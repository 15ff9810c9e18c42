import Events
import Foundation
import Pipeline

/// `bin`: turns an events container into T sparse frames per sample (spikingjelly's
/// `split_by` rules), `frames.sdff`.
struct BinStage: Stage {
  let kind = "bin"
  let version = 2
  let reads = ["frames.T", "frames.split_by", "frames.duration", "frames.max_time"]
  let consumes = ["load"]

  /// `duration` and `max_time` only mean something to their own `split_by`.
  func reads(in config: SpecValue) -> [String] {
    switch config[path: "frames.split_by"]?.stringValue {
    case "duration": ["frames.T", "frames.split_by", "frames.duration"]
    case "digitize": ["frames.T", "frames.split_by", "frames.max_time"]
    default: ["frames.T", "frames.split_by"]
    }
  }

  var sections: [String: Schema] {
    ["frames": .object([
      .init("T", .positiveInteger, required: true, doc: "time steps per sample",
            limit: .atMost(10_000, "training keeps every step's state for backpropagation through time; the experiments use T ≤ 152")),
      .init("split_by", .choice(["number", "time", "duration", "digitize"]), default: "number"),
      .init("duration", .positiveNumber, doc: "frame length for split_by: duration (µs for cameras, ms for SHD, steps for Braille)"),
      .init("max_time", .positiveNumber, default: 1.4, doc: "seconds covered by split_by: digitize (SHD)"),
    ])]
  }

  func check(_ config: SpecValue, locate: (String) -> SourceLocation) -> [SpecError] {
    if config[path: "frames.split_by"]?.stringValue == "duration", config[path: "frames.duration"] == nil {
      return [SpecError(locate("frames.split_by"), "split_by: duration needs 'frames.duration'",
                        hint: "add 'duration: 10000' (µs per frame for cameras)")]
    }
    return []
  }

  func run(_ context: StageContext) throws {
    let splitBy: Binning.SplitBy
    switch try context.string("frames.split_by") {
    case "time": splitBy = .time
    case "duration": splitBy = .duration(try context.double("frames.duration"))
    case "digitize": splitBy = .digitize(maxSeconds: try context.double("frames.max_time"))
    default: splitBy = .number
    }
    try Binning.bin(
      events: try context.input("load").appendingPathComponent("events.sdfe"), frames: try context.int("frames.T"),
      splitBy: splitBy, to: context.outputDirectory.appendingPathComponent("frames.sdff")
    ) { p in
      context.progress(Double(p.completed) / Double(max(p.total, 1)), "\(p.completed)/\(p.total) samples")
    }
  }
}
