/// Architecture switches of the two accelerators and the model's `[assumption]` knobs.
///
/// Every knob has a default that keeps the structural equations of docs/hardware-model.md;
/// none was chosen for the ratio it produces (`sdfa sensitivity` sweeps them). All of them
/// are printed with the totals.
public struct Architecture: Codable, Sendable, Equatable {
  /// Replication of layers (PipeLayer's parallelism granularity) under ``arrayBudget``.
  public var replication: ReplicationPolicy
  /// Most weight arrays the chip offers for replication; 0 means no replication.
  public var arrayBudget: Int
  /// How BP reads `Wᵀ` for the error of layers `l ≥ 2`.
  public var transposeMode: TransposeMode
  /// Energy factor of the peripheral transposed read's ADC and drivers (`k_T`).
  public var transposePeripheralFactor: Double
  /// How SDFA stores its fixed feedback matrix `B`.
  public var feedbackMatrix: FeedbackMatrixMode
  /// Slot multiplier of PipeLayer's backward stage (`k_bwd`), `[assumption]` range 1–8: 1 for
  /// an error fed in one read per step, `error_bits` for bit-serial multi-bit error input.
  /// PipeLayer's own error encoding could not be checked against its paper here.
  public var backwardSlotFactor: Double
  /// Whether the error VMMs of BP take `error_bits` bit-serial reads (energy), `[assumption]`.
  public var bitSerialError: Bool
  /// Skip reads, conversions and neuron updates where the inputs carry no spike.
  public var eventDriven: Bool
  /// PipeSDFA starts the next batch at once with one-batch-stale weights (ablation only).
  public var staleWeights: Bool

  public init(
    replication: ReplicationPolicy = .none, arrayBudget: Int = 0,
    transposeMode: TransposeMode = .peripheral, transposePeripheralFactor: Double = 1,
    feedbackMatrix: FeedbackMatrixMode = .sharedPrefix, backwardSlotFactor: Double = 1,
    bitSerialError: Bool = false, eventDriven: Bool = true, staleWeights: Bool = false
  ) {
    self.replication = replication
    self.arrayBudget = arrayBudget
    self.transposeMode = transposeMode
    self.transposePeripheralFactor = transposePeripheralFactor
    self.feedbackMatrix = feedbackMatrix
    self.backwardSlotFactor = backwardSlotFactor
    self.bitSerialError = bitSerialError
    self.eventDriven = eventDriven
    self.staleWeights = staleWeights
  }

  enum CodingKeys: String, CodingKey, CaseIterable {
    case replication
    case arrayBudget = "array_budget"
    case transposeMode = "transpose_mode"
    case transposePeripheralFactor = "transpose_peripheral_factor"
    case feedbackMatrix = "feedback_matrix"
    case backwardSlotFactor = "backward_slot_factor"
    case bitSerialError = "bit_serial_error"
    case eventDriven = "event_driven"
    case staleWeights = "stale_weights"
  }

  public static var codingKeyNames: [String] { CodingKeys.allCases.map(\.rawValue) }
}

/// Replication of a layer's arrays to shorten its pipeline slot.
public enum ReplicationPolicy: String, Codable, Sendable, CaseIterable {
  /// Every layer has one copy (`G = 1`).
  case none
  /// Replicate the layer with the longest slot `ceil(P/G)` while the budget allows (ISAAC).
  case balanced
}

/// How BP obtains transposed reads.
public enum TransposeMode: String, Codable, Sendable, CaseIterable {
  /// Extra row-side drivers and ADCs on the same arrays.
  case peripheral
  /// A second copy holding `Wᵀ`: arrays and weight writes double.
  case duplicate
}

/// Storage of SDFA's feedback matrix.
public enum FeedbackMatrixMode: String, Codable, Sendable, CaseIterable {
  /// One `C × F_max` matrix, layer `l` reads its first `F_l` columns (the reference code).
  case sharedPrefix = "shared_prefix"
  /// One `C × F_l` matrix per hidden layer (`Σ F_l` columns, as the paper's figure draws it).
  case perLayer = "per_layer"
}
