/// Device, circuit and architecture parameters of an RRAM in-memory training accelerator.
///
/// The coding keys equal the YAML keys of the preset files under `experiments/hardware/`
/// (snake_case), so a preset decodes straight into this struct. Energies are in picojoules,
/// times in nanoseconds, powers in milliwatts. Call ``validate()`` after decoding: it returns
/// every out-of-range field with its path and allowed range.
///
/// ```swift
/// var tech = Technology.isaac32nm
/// tech.crossbarRows = 256
/// precondition(tech.validate().isEmpty)
/// ```
public struct Technology: Codable, Sendable, Equatable {
  /// Preset name, printed beside the totals.
  public var name: String
  /// Process node in nanometres (informational; printed with the assumptions).
  public var nodeNm: Int

  // Crossbar and precision.
  public var crossbarRows: Int
  public var crossbarCols: Int
  public var cellBits: Int
  public var weightBits: Int
  public var errorBits: Int
  /// Bits per stored membrane potential / surrogate value (`b_u`).
  public var stateBits: Int
  /// Bits of the first layer's input (event counts), fed bit-serially (`b_in1`); 1 for spikes.
  public var firstLayerInputBits: Int
  public var signedWeights: SignedWeightScheme
  /// Cells per feedback-matrix entry (`n_cB`).
  public var feedbackCellsPerEntry: Int
  public var feedbackSignedWeights: SignedWeightScheme

  // Timing.
  /// One crossbar read with 1-bit inputs, including the shared ADC's conversions (`t_xb`).
  public var readCycleNs: Double
  /// Clock of the digital units (gradient adders, neurons, error unit).
  public var digitalClockGhz: Double
  /// Gradient adders per weight array (`W_add,l = adders · A_l`).
  public var gradientAddersPerArray: Int

  // Per-operation energies.
  /// One read of a full array with all rows driven (`E_xb`); scaled by the input spike rate.
  public var crossbarReadPj: Double
  public var adcPj: Double
  public var adcBits: Int
  public var sampleHoldPj: Double
  /// One 1-bit row driver (DAC) per driven row per read.
  public var dacPj: Double
  public var shiftAddPj: Double
  public var neuronPj: Double
  public var addPj: Double
  public var multiplyPj: Double
  public var bufferPjPerBit: Double
  public var dataMovementPjPerBit: Double

  // Programming.
  public var writeVoltageV: Double
  public var writePulseNs: Double
  /// Mean cell conductance during a write pulse, microsiemens: `E_wp = V² · G · t_p`.
  public var writeConductanceUs: Double
  public var pulsesPerLevel: Int
  /// Bound on set + reset pulses per row and batch (`n_p,max`), sets the row-serial write time.
  public var maxPulsesPerRow: Int

  /// Chip static power; 0 keeps energy dominated by dynamic operations.
  public var staticPowerMw: Double

  /// Per-component areas; nil when area is not reported.
  public var area: AreaParameters?

  /// Architecture switches and calibration knobs.
  public var architecture: Architecture

  public init(
    name: String, nodeNm: Int,
    crossbarRows: Int, crossbarCols: Int, cellBits: Int, weightBits: Int, errorBits: Int, stateBits: Int,
    firstLayerInputBits: Int,
    signedWeights: SignedWeightScheme, feedbackCellsPerEntry: Int, feedbackSignedWeights: SignedWeightScheme,
    readCycleNs: Double, digitalClockGhz: Double, gradientAddersPerArray: Int,
    crossbarReadPj: Double, adcPj: Double, adcBits: Int, sampleHoldPj: Double, dacPj: Double,
    shiftAddPj: Double, neuronPj: Double, addPj: Double, multiplyPj: Double,
    bufferPjPerBit: Double, dataMovementPjPerBit: Double,
    writeVoltageV: Double, writePulseNs: Double, writeConductanceUs: Double, pulsesPerLevel: Int,
    maxPulsesPerRow: Int, staticPowerMw: Double, area: AreaParameters?, architecture: Architecture
  ) {
    self.name = name
    self.nodeNm = nodeNm
    self.crossbarRows = crossbarRows
    self.crossbarCols = crossbarCols
    self.cellBits = cellBits
    self.weightBits = weightBits
    self.errorBits = errorBits
    self.stateBits = stateBits
    self.firstLayerInputBits = firstLayerInputBits
    self.signedWeights = signedWeights
    self.feedbackCellsPerEntry = feedbackCellsPerEntry
    self.feedbackSignedWeights = feedbackSignedWeights
    self.readCycleNs = readCycleNs
    self.digitalClockGhz = digitalClockGhz
    self.gradientAddersPerArray = gradientAddersPerArray
    self.crossbarReadPj = crossbarReadPj
    self.adcPj = adcPj
    self.adcBits = adcBits
    self.sampleHoldPj = sampleHoldPj
    self.dacPj = dacPj
    self.shiftAddPj = shiftAddPj
    self.neuronPj = neuronPj
    self.addPj = addPj
    self.multiplyPj = multiplyPj
    self.bufferPjPerBit = bufferPjPerBit
    self.dataMovementPjPerBit = dataMovementPjPerBit
    self.writeVoltageV = writeVoltageV
    self.writePulseNs = writePulseNs
    self.writeConductanceUs = writeConductanceUs
    self.pulsesPerLevel = pulsesPerLevel
    self.maxPulsesPerRow = maxPulsesPerRow
    self.staticPowerMw = staticPowerMw
    self.area = area
    self.architecture = architecture
  }

  enum CodingKeys: String, CodingKey, CaseIterable {
    case name
    case nodeNm = "node_nm"
    case crossbarRows = "crossbar_rows"
    case crossbarCols = "crossbar_cols"
    case cellBits = "cell_bits"
    case weightBits = "weight_bits"
    case errorBits = "error_bits"
    case stateBits = "state_bits"
    case firstLayerInputBits = "first_layer_input_bits"
    case signedWeights = "signed_weights"
    case feedbackCellsPerEntry = "feedback_cells_per_entry"
    case feedbackSignedWeights = "feedback_signed_weights"
    case readCycleNs = "read_cycle_ns"
    case digitalClockGhz = "digital_clock_ghz"
    case gradientAddersPerArray = "gradient_adders_per_array"
    case crossbarReadPj = "crossbar_read_pj"
    case adcPj = "adc_pj"
    case adcBits = "adc_bits"
    case sampleHoldPj = "sample_hold_pj"
    case dacPj = "dac_pj"
    case shiftAddPj = "shift_add_pj"
    case neuronPj = "neuron_pj"
    case addPj = "add_pj"
    case multiplyPj = "multiply_pj"
    case bufferPjPerBit = "buffer_pj_per_bit"
    case dataMovementPjPerBit = "data_movement_pj_per_bit"
    case writeVoltageV = "write_voltage_v"
    case writePulseNs = "write_pulse_ns"
    case writeConductanceUs = "write_conductance_us"
    case pulsesPerLevel = "pulses_per_level"
    case maxPulsesPerRow = "max_pulses_per_row"
    case staticPowerMw = "static_power_mw"
    case area
    case architecture
  }

  /// The coding keys, as the preset files spell them (for coverage checks of presets).
  public static var codingKeyNames: [String] { CodingKeys.allCases.map(\.rawValue) }
}

/// How a signed weight is stored.
public enum SignedWeightScheme: String, Codable, Sendable, CaseIterable {
  /// A positive and a negative array, subtracted (`p = 2`, MNSIM `Xbar_Polarity = 2`).
  case differential
  /// One array holding `w + offset`, a shared reference column subtracts it (`p = 1`).
  case offset

  /// Arrays per weight copy (`p`).
  public var arraysPerWeight: Int { self == .differential ? 2 : 1 }
}

/// Per-component areas in µm² (ISAAC Table I at 32 nm by default).
public struct AreaParameters: Codable, Sendable, Equatable {
  public var crossbarUm2: Double
  public var adcUm2: Double
  public var dacUm2: Double
  public var shiftAddUm2: Double
  public var neuronUm2: Double

  public init(crossbarUm2: Double, adcUm2: Double, dacUm2: Double, shiftAddUm2: Double, neuronUm2: Double) {
    self.crossbarUm2 = crossbarUm2
    self.adcUm2 = adcUm2
    self.dacUm2 = dacUm2
    self.shiftAddUm2 = shiftAddUm2
    self.neuronUm2 = neuronUm2
  }

  enum CodingKeys: String, CodingKey, CaseIterable {
    case crossbarUm2 = "crossbar_um2"
    case adcUm2 = "adc_um2"
    case dacUm2 = "dac_um2"
    case shiftAddUm2 = "shift_add_um2"
    case neuronUm2 = "neuron_um2"
  }

  public static var codingKeyNames: [String] { CodingKeys.allCases.map(\.rawValue) }
}

extension Technology {
  /// Cells (bit slices) per weight, `n_c = ceil(b_w / b_c)`.
  public var cellsPerWeight: Int { (weightBits + cellBits - 1) / cellBits }
  /// Energy of one programming pulse on one cell, `V² · G · t_p`, in pJ.
  public var writePulsePj: Double { writeVoltageV * writeVoltageV * writeConductanceUs * writePulseNs * 1e-3 }
  /// Digital clock period in ns.
  public var digitalCycleNs: Double { 1 / digitalClockGhz }
}
