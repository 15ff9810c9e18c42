/// What an event addresses: a pixel of a two-polarity camera, or one of several channels.
public enum SensorLayout: Equatable, Hashable, Sendable, Codable {
  /// A `width` × `height` event camera with ON/OFF polarity; events are (t, x, y, p).
  case camera(width: Int, height: Int)
  /// `count` input channels (cochlea units, taxels); events are (t, unit) with an optional value.
  case channels(count: Int)

  /// The per-time-step input shape of binned frames: [2, H, W] for a camera, [units] otherwise.
  public var frameShape: [Int] {
    switch self {
    case .camera(let w, let h): return [2, h, w]
    case .channels(let n): return [n]
    }
  }

  /// The number of features per time step (product of ``frameShape``).
  public var featureCount: Int { frameShape.reduce(1, *) }
}

/// Which part of a dataset a sample belongs to.
public enum DatasetSplit: UInt8, CaseIterable, Codable, Sendable, CustomStringConvertible {
  case train = 0
  case test = 1
  public var description: String { self == .train ? "train" : "test" }
}

/// How event timestamps are stored and compared.
public enum TimeBase: Equatable, Hashable, Sendable, Codable {
  /// Integer microseconds (cameras); spikingjelly bins these with integer arithmetic.
  case microseconds
  /// Float16 seconds stored exactly as integer multiples of 2⁻²⁴ s (SHD); spikingjelly bins
  /// these with float16 arithmetic, and so does ``Binning``.
  case float16Seconds
  /// Integer time-step indices of sampled analog data (Braille).
  case steps

  /// Integer ticks per second for ``microseconds`` and ``float16Seconds``; 1 for steps.
  public var ticksPerSecond: Double {
    switch self {
    case .microseconds: return 1_000_000
    case .float16Seconds: return 16_777_216
    case .steps: return 1
    }
  }
}

/// One source file that went into a container, with the caller's digest of it.
public struct SourceFile: Equatable, Hashable, Sendable, Codable {
  /// A path relative to the dataset root, or an archive member `Train.zip/Train/3/00002.bin`.
  public var name: String
  /// A digest computed by the caller (e.g. `sha256:…`), empty when not computed.
  public var digest: String
  public init(name: String, digest: String = "") {
    self.name = name
    self.digest = digest
  }
}
