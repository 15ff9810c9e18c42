import Foundation
import Tensor

/// Learnable stand-ins for the real datasets, with their sensor size, channels, classes and
/// (approximate) events per sample, generated deterministically from a seed: the same
/// arguments always give a byte-identical container.
///
/// ```swift
/// try SyntheticDataset.write(like: .nmnist, train: 2000, test: 500, seed: 0, to: url)
/// ```
public enum SyntheticDataset {
  /// Which real dataset to imitate.
  public enum Like: String, CaseIterable, Codable, Sendable {
    /// 34×34 camera, 10 digit glyphs swept by three 100 ms saccades, ~4,300 events.
    case nmnist
    /// 128×128 camera, 11 class-specific hand trajectories over 6 s.
    case dvsgesture
    /// 240×180 camera (W×H), 101 class-specific polygons swept by saccades.
    case ncaltech101
    /// 700 cochlea channels, 20 classes of drifting formant tracks, float16-second times.
    case shd
    /// 4 taxel channels × 152 steps of analog values, 27 letter classes.
    case braille
  }

  /// The shape of an imitated dataset.
  public struct Profile: Sendable {
    public var layout: SensorLayout
    public var timeBase: TimeBase
    public var classNames: [String]
    /// Mean events per sample (the real dataset's order of magnitude; Braille: steps × taxels).
    public var eventsPerSample: Int
    /// Recording length in ticks of ``timeBase``.
    public var duration: Int64
    /// Real sample counts (train, test), for reference.
    public var realCounts: (train: Int, test: Int)
  }

  /// The profile of `like`.
  public static func profile(_ like: Like) -> Profile {
    switch like {
    case .nmnist:
      return Profile(
        layout: .camera(width: 34, height: 34), timeBase: .microseconds, classNames: (0..<10).map(String.init),
        eventsPerSample: 4300, duration: 300_000, realCounts: (60_000, 10_000))
    case .dvsgesture:
      return Profile(
        layout: .camera(width: 128, height: 128), timeBase: .microseconds, classNames: DVSGesture.classNames,
        eventsPerSample: 250_000, duration: 6_000_000, realCounts: (1_176, 288))
    case .ncaltech101:
      return Profile(
        layout: .camera(width: 240, height: 180), timeBase: .microseconds,
        classNames: (0..<101).map { "class\(String(repeating: "0", count: $0 < 10 ? 2 : $0 < 100 ? 1 : 0))\($0)" },
        eventsPerSample: 100_000, duration: 300_000, realCounts: (6_968, 1_741))
    case .shd:
      return Profile(
        layout: .channels(count: 700), timeBase: .float16Seconds, classNames: SyntheticDataset.shdClassNames,
        eventsPerSample: 8_000, duration: Int64(0.9 * 16_777_216), realCounts: (8_156, 2_264))
    case .braille:
      return Profile(
        layout: .channels(count: 4), timeBase: .steps, classNames: Braille.classNames,
        eventsPerSample: 152 * 4, duration: 152, realCounts: (1_080, 270))
    }
  }

  static let shdClassNames: [String] =
    ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"].map { "english-\($0)" }
    + ["null", "eins", "zwei", "drei", "vier", "fuenf", "sechs", "sieben", "acht", "neun"].map { "german-\($0)" }

  /// Writes a synthetic events container with `train` + `test` samples (train first), labels
  /// cycling through the classes.
  ///
  /// - Parameters:
  ///   - eventsPerSample: overrides the profile's mean (not for Braille).
  ///   - progress: called every 256 samples and at the end.
  public static func write(
    like: Like, train: Int, test: Int, seed: UInt64, eventsPerSample: Int? = nil, to url: URL,
    progress: ((ProgressReport) -> Void)? = nil
  ) throws {
    let shape = profile(like)
    var attributes = ["seed": String(seed), "like": like.rawValue]
    if let eventsPerSample { attributes["events_per_sample"] = String(eventsPerSample) }
    let writer = try EventsContainerWriter(
      to: url,
      metadata: EventsContainerMetadata(
        datasetKind: "synthetic-\(like.rawValue)", layout: shape.layout, timeBase: shape.timeBase,
        classNames: shape.classNames, hasValues: like == .braille, attributes: attributes))
    let total = train + test
    for i in 0..<total {
      let split: DatasetSplit = i < train ? .train : .test
      let index = split == .train ? i : i - train
      let label = index % shape.classNames.count
      let s = sample(like: like, label: label, split: split, index: index, seed: seed, eventsPerSample: eventsPerSample)
      try writer.append(s, label: label, split: split)
      if let progress, i % 256 == 255 || i == total - 1 { progress(ProgressReport(completed: i + 1, total: total)) }
    }
    try writer.finish()
  }

  /// One synthetic sample of class `label`; a pure function of its arguments.
  public static func sample(
    like: Like, label: Int, split: DatasetSplit, index: Int, seed: UInt64, eventsPerSample: Int? = nil
  ) -> EventSample {
    var rng = RandomStream(seed: seed, purpose: "synthetic.\(like.rawValue).\(split).\(index)")
    let shape = profile(like)
    let mean = eventsPerSample ?? shape.eventsPerSample
    let count = max(16, Int(Float(mean) * (1 + 0.15 * max(-3, min(3, rng.nextNormal())))))
    switch like {
    case .nmnist: return SyntheticCamera.nmnist(label: label, count: count, rng: &rng)
    case .ncaltech101: return SyntheticCamera.ncaltech(label: label, count: count, seed: seed, rng: &rng)
    case .dvsgesture: return SyntheticCamera.gesture(label: label, count: count, duration: shape.duration, rng: &rng)
    case .shd: return SyntheticChannels.shd(label: label, count: count, seed: seed, rng: &rng)
    case .braille: return SyntheticChannels.braille(label: label, seed: seed, rng: &rng)
    }
  }
}
