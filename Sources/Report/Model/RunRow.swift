/// One training run as a flat row: what `runs.csv` / `runs.jsonl` hold and what `sdfa runs`
/// lists. Built from a ``RunRecord`` plus what only the caller knows (the point id, the
/// artifacts' digests, the index's stage keys and wall time).
///
/// Accuracies are fractions in [0, 1], losses as the training loss reports them, times in
/// seconds and energies in joules. Fields the caller does not know stay empty (nil or `[:]`)
/// and their columns are left out of ``RunRow/csv(_:)`` when no row has them: the `report`
/// stage knows no wall time (it is not part of any artifact, so that equal keys give equal
/// bytes), the index does.
///
/// ```swift
/// let row = RunRow(record: record, pointID: "tau=2/method=sdfa/seed=0")
/// row.coordinates            // [tau=2, method=sdfa] (no seed)
/// RunRow.csv([row])          // header + one line
/// ```
public struct RunRow: Codable, Hashable, Sendable {
  /// The spec's name and the digest of its params as the report saw them.
  public var spec: String
  public var specDigest: String
  /// `tau=2/method=sdfa/seed=0`: the sweep point's id, seed included.
  public var pointID: String
  /// The swept axes' values in axis order, without the seed.
  public var coordinates: [Coordinate]
  public var seed: String?
  public var data: DataKind
  /// Per-epoch metrics (1-based epochs), for learning curves and exports.
  public var epochs: [EpochMetrics]
  public var finalTestAccuracy: Double
  public var bestTestAccuracy: Double
  public var finalTestLoss: Double
  /// The lowest test loss over the epochs.
  public var bestTestLoss: Double
  /// Spike rate per layer (`layer 1`, `layer 2`, …; spikes per neuron per time step).
  public var spikeRates: [String: Double]
  /// Training time and energy per accelerator, in the energy stage's order.
  public var hardware: [HardwareTotals]
  /// Seconds the training took, where the caller knows it (the index); nil in report artifacts.
  public var wallSeconds: Double?
  /// Artifact digest per stage kind (`train`, `map`, `energy`).
  public var artifacts: [String: String]
  /// Stage key per stage kind, where the caller knows them (the index).
  public var stageKeys: [String: String]

  /// One accelerator's totals for one run.
  public struct HardwareTotals: Codable, Hashable, Sendable {
    public var accelerator: String
    public var seconds: Double
    public var joules: Double

    public init(accelerator: String, seconds: Double, joules: Double) {
      self.accelerator = accelerator
      self.seconds = seconds
      self.joules = joules
    }
  }

  public init(
    record: RunRecord, pointID: String, seedAxis: String = "seed", artifacts: [String: String] = [:],
    stageKeys: [String: String] = [:], wallSeconds: Double? = nil
  ) {
    spec = record.provenance.specName
    specDigest = record.provenance.specDigest
    self.pointID = pointID
    coordinates = record.coordinates.filter { $0.axis != seedAxis }
    seed = record.value(of: seedAxis)
    data = record.provenance.data
    epochs = record.epochs
    finalTestAccuracy = record.finalTestAccuracy
    bestTestAccuracy = record.bestTestAccuracy
    finalTestLoss = record.epochs.last?.testLoss ?? .nan
    bestTestLoss = record.epochs.map(\.testLoss).filter { !$0.isNaN }.min() ?? .nan
    spikeRates = record.spikeRates ?? [:]
    hardware = (record.hardware ?? []).map { HardwareTotals(accelerator: $0.accelerator, seconds: $0.totalTime, joules: $0.totalEnergy) }
    self.wallSeconds = wallSeconds
    self.artifacts = artifacts
    self.stageKeys = stageKeys
  }

  /// The value of `axis` (`seed` included), or nil.
  public func value(of axis: String) -> String? {
    axis == "seed" ? seed : coordinates.first { $0.axis == axis }?.value
  }

  /// The row's flat fields in column order: `spec`, `spec_digest`, `point`, the axes, `seed`,
  /// `data`, `epochs`, accuracies and losses, `spike_rate_<layer>`, `time_<acc>_s`,
  /// `energy_<acc>_J`, `wall_s`, `artifact_<kind>`, `key_<kind>`. Numbers stay numbers;
  /// unknown values are nil.
  public var fields: [(key: String, value: Field)] {
    var out: [(key: String, value: Field)] = [("spec", .text(spec)), ("spec_digest", .text(specDigest)), ("point", .text(pointID))]
    for c in coordinates { out.append((c.axis, .text(c.value))) }
    out.append(("seed", seed.map(Field.text) ?? Field.none))
    out += [("data", .text(data.rawValue)), ("epochs", .number(Double(epochs.count))),
            ("final_test_accuracy", .number(finalTestAccuracy)), ("best_test_accuracy", .number(bestTestAccuracy)),
            ("final_test_loss", .number(finalTestLoss)), ("best_test_loss", .number(bestTestLoss))]
    for layer in spikeRates.keys.sorted(by: naturalLess) { out.append(("spike_rate_" + Self.key(layer), .number(spikeRates[layer]!))) }
    for h in hardware {
      out.append(("time_\(Self.key(h.accelerator))_s", .number(h.seconds)))
      out.append(("energy_\(Self.key(h.accelerator))_J", .number(h.joules)))
    }
    out.append(("wall_s", wallSeconds.map(Field.number) ?? Field.none))
    for kind in artifacts.keys.sorted() { out.append(("artifact_" + Self.key(kind), .text(artifacts[kind]!))) }
    for kind in stageKeys.keys.sorted() { out.append(("key_" + Self.key(kind), .text(stageKeys[kind]!))) }
    return out
  }

  /// A flat field's value.
  public enum Field: Hashable, Sendable {
    case text(String)
    case number(Double)
    case none
  }

  /// `layer 1` → `layer_1`: lowercase letters, digits and underscores.
  static func key(_ s: String) -> String {
    String(s.map { $0.isLetter || $0.isNumber ? $0 : "_" })
  }
}
