/// A field of a technology description whose value is out of range.
///
/// `path` uses the YAML keys (`architecture.backward_slot_factor`), so the spec validator can
/// turn it into a `file:line:column` error.
public struct TechnologyIssue: Error, Sendable, Equatable, CustomStringConvertible {
  public var path: String
  public var value: String
  public var allowed: String

  public init(path: String, value: String, allowed: String) {
    self.path = path
    self.value = value
    self.allowed = allowed
  }

  public var description: String { "\(path): \(value) is out of range; allowed: \(allowed)" }
}

extension Technology {
  /// Every out-of-range field, in declaration order; empty when the technology is usable.
  public func validate() -> [TechnologyIssue] {
    var issues: [TechnologyIssue] = []
    func check<V: Comparable>(_ key: String, _ value: V, _ range: ClosedRange<V>, _ text: String? = nil) {
      if !range.contains(value) {
        issues.append(TechnologyIssue(path: key, value: "\(value)", allowed: text ?? "\(range.lowerBound)...\(range.upperBound)"))
      }
    }
    func positive(_ key: String, _ value: Double) {
      if !(value > 0 && value.isFinite) {
        issues.append(TechnologyIssue(path: key, value: "\(value)", allowed: "a finite number > 0"))
      }
    }
    func nonNegative(_ key: String, _ value: Double) {
      if !(value >= 0 && value.isFinite) {
        issues.append(TechnologyIssue(path: key, value: "\(value)", allowed: "a finite number >= 0"))
      }
    }
    if name.isEmpty { issues.append(TechnologyIssue(path: "name", value: "\"\"", allowed: "a non-empty string")) }
    check("node_nm", nodeNm, 1...1000)
    check("crossbar_rows", crossbarRows, 2...4096)
    check("crossbar_cols", crossbarCols, 2...4096)
    check("cell_bits", cellBits, 1...8)
    check("weight_bits", weightBits, 1...32)
    check("error_bits", errorBits, 1...32)
    check("state_bits", stateBits, 1...32)
    check("first_layer_input_bits", firstLayerInputBits, 1...16)
    check("feedback_cells_per_entry", feedbackCellsPerEntry, 1...16)
    positive("read_cycle_ns", readCycleNs)
    positive("digital_clock_ghz", digitalClockGhz)
    check("gradient_adders_per_array", gradientAddersPerArray, 1...1_000_000)
    nonNegative("crossbar_read_pj", crossbarReadPj)
    nonNegative("adc_pj", adcPj)
    check("adc_bits", adcBits, 1...16)
    nonNegative("sample_hold_pj", sampleHoldPj)
    nonNegative("dac_pj", dacPj)
    nonNegative("shift_add_pj", shiftAddPj)
    nonNegative("neuron_pj", neuronPj)
    nonNegative("add_pj", addPj)
    nonNegative("multiply_pj", multiplyPj)
    nonNegative("buffer_pj_per_bit", bufferPjPerBit)
    nonNegative("data_movement_pj_per_bit", dataMovementPjPerBit)
    positive("write_voltage_v", writeVoltageV)
    positive("write_pulse_ns", writePulseNs)
    positive("write_conductance_us", writeConductanceUs)
    check("pulses_per_level", pulsesPerLevel, 1...1000)
    check("max_pulses_per_row", maxPulsesPerRow, 1...10_000)
    nonNegative("static_power_mw", staticPowerMw)
    if let area {
      nonNegative("area.crossbar_um2", area.crossbarUm2)
      nonNegative("area.adc_um2", area.adcUm2)
      nonNegative("area.dac_um2", area.dacUm2)
      nonNegative("area.shift_add_um2", area.shiftAddUm2)
      nonNegative("area.neuron_um2", area.neuronUm2)
    }
    check("architecture.array_budget", architecture.arrayBudget, 0...100_000_000)
    nonNegative("architecture.transpose_peripheral_factor", architecture.transposePeripheralFactor)
    check("architecture.backward_slot_factor", architecture.backwardSlotFactor, 1...64, "1...64")
    if architecture.replication == .balanced && architecture.arrayBudget == 0 {
      issues.append(TechnologyIssue(
        path: "architecture.array_budget", value: "0",
        allowed: "> 0 when architecture.replication is balanced"))
    }
    return issues
  }
}
