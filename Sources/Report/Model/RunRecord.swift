/// One training run: a sweep point at one seed, with everything the report needs from it.
///
/// Accuracies are fractions in [0, 1]; tables and figures show them in percent. Times are in
/// seconds, energies in joules. A diverged run keeps its NaN values: aggregation counts and
/// excludes them rather than dropping the record.
///
/// ```swift
/// let record = RunRecord(
///   coordinates: [.init("dataset", "nmnist"), .init("method", "sdfa"), .init("seed", "0")],
///   workload: Workload(dataset: "N-MNIST", classes: 10, neuron: "LIF", model: "MLP", setup: "2 FC"),
///   epochs: [EpochMetrics(epoch: 1, trainLoss: 0.4, trainAccuracy: 0.9, testLoss: 0.3, testAccuracy: 0.92)],
///   provenance: Provenance(specName: "nmnist-mlp", specDigest: "ab12…", data: .real,
///                          toolVersion: "0.1.0", date: "2026-11-29"))
/// ```
public struct RunRecord: Codable, Hashable, Sendable {
  /// The sweep point and seed, in the spec's axis order (e.g. dataset, model, method, seed).
  public var coordinates: [Coordinate]
  /// How the paper's tables describe this run's workload; nil falls back to the coordinates.
  public var workload: Workload?
  /// One entry per finished epoch, in order.
  public var epochs: [EpochMetrics]
  /// Test accuracy after the last epoch; defaults to the last epoch's.
  public var finalTestAccuracy: Double
  /// Highest test accuracy over the epochs; defaults to the maximum over `epochs`.
  public var bestTestAccuracy: Double
  /// Mean firing rate per layer (spikes per neuron per time step), keyed by layer name.
  public var spikeRates: [String: Double]?
  /// Estimates per accelerator, as the energy stage produced them.
  public var hardware: [HardwareResult]?
  public var provenance: Provenance

  public init(
    coordinates: [Coordinate], workload: Workload? = nil, epochs: [EpochMetrics],
    finalTestAccuracy: Double? = nil, bestTestAccuracy: Double? = nil,
    spikeRates: [String: Double]? = nil, hardware: [HardwareResult]? = nil, provenance: Provenance
  ) {
    self.coordinates = coordinates
    self.workload = workload
    self.epochs = epochs
    self.finalTestAccuracy = finalTestAccuracy ?? epochs.last?.testAccuracy ?? .nan
    self.bestTestAccuracy =
      bestTestAccuracy ?? epochs.map(\.testAccuracy).filter { !$0.isNaN }.max() ?? .nan
    self.spikeRates = spikeRates
    self.hardware = hardware
    self.provenance = provenance
  }

  /// The value of `axis`, or nil when the record has no such coordinate.
  public func value(of axis: String) -> String? {
    coordinates.first { $0.axis == axis }?.value
  }
}

/// One `axis=value` pair of a sweep point. Values are the spec's rendering of the axis value
/// (`sdfa`, `[1000, 1000]`, `3`).
public struct Coordinate: Codable, Hashable, Sendable, CustomStringConvertible {
  public var axis: String
  public var value: String

  public init(_ axis: String, _ value: String) {
    self.axis = axis
    self.value = value
  }

  public var description: String { "\(axis)=\(value)" }
}

/// Metrics recorded at the end of one epoch.
public struct EpochMetrics: Codable, Hashable, Sendable {
  /// 1-based epoch number.
  public var epoch: Int
  public var trainLoss: Double
  public var trainAccuracy: Double
  public var testLoss: Double
  public var testAccuracy: Double
  /// Wall-clock seconds the epoch took (training and evaluation); nil when not measured.
  public var wallSeconds: Double?

  public init(
    epoch: Int, trainLoss: Double, trainAccuracy: Double, testLoss: Double,
    testAccuracy: Double, wallSeconds: Double? = nil
  ) {
    self.epoch = epoch
    self.trainLoss = trainLoss
    self.trainAccuracy = trainAccuracy
    self.testLoss = testLoss
    self.testAccuracy = testAccuracy
    self.wallSeconds = wallSeconds
  }
}

/// The row labels of the paper's accuracy table for one workload.
///
/// Reference numbers are matched on `dataset`, `model` and `setup`, compared with case and
/// punctuation ignored (`N-MNIST` matches `nmnist`), so label workloads as
/// ``ReferenceAccuracy/paper`` does: models `MLP`, `ConvNet`, `VGG11`; setups `2 FC`,
/// `5 Conv + 2 FC`, ….
public struct Workload: Codable, Hashable, Sendable {
  public var dataset: String
  public var classes: Int?
  public var neuron: String?
  public var model: String
  public var setup: String?

  public init(dataset: String, classes: Int? = nil, neuron: String? = nil, model: String, setup: String? = nil) {
    self.dataset = dataset
    self.classes = classes
    self.neuron = neuron
    self.model = model
    self.setup = setup
  }
}

/// Time and energy of one training run on one accelerator.
public struct HardwareResult: Codable, Hashable, Sendable {
  /// Accelerator name as the hardware section spells it (`pipelayer`, `pipesdfa`).
  public var accelerator: String
  /// Total training time in seconds.
  public var totalTime: Double
  /// Total training energy in joules.
  public var totalEnergy: Double
  /// Seconds per layer, keyed by layer name.
  public var timeByLayer: [String: Double]
  /// Joules per layer, keyed by layer name.
  public var energyByLayer: [String: Double]
  /// Seconds per pipeline phase or component (forward, backward, update, …).
  public var timeByComponent: [String: Double]
  /// Joules per circuit component (crossbar read, ADC, cell programming, …).
  public var energyByComponent: [String: Double]

  public init(
    accelerator: String, totalTime: Double, totalEnergy: Double,
    timeByLayer: [String: Double] = [:], energyByLayer: [String: Double] = [:],
    timeByComponent: [String: Double] = [:], energyByComponent: [String: Double] = [:]
  ) {
    self.accelerator = accelerator
    self.totalTime = totalTime
    self.totalEnergy = totalEnergy
    self.timeByLayer = timeByLayer
    self.energyByLayer = energyByLayer
    self.timeByComponent = timeByComponent
    self.energyByComponent = energyByComponent
  }
}
