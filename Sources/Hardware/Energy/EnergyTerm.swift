/// A hardware component energy is charged to.
public enum EnergyComponent: String, Codable, Sendable, CaseIterable {
  case crossbarRead = "crossbar_read"
  case adc
  case dacDrivers = "dac_drivers"
  case shiftAdd = "shift_add"
  case buffer
  case neuron
  case gradientAdd = "gradient_add"
  /// Surrogate, feedback and reverse-time multiplies.
  case multiply
  /// Reads of the feedback matrix `B` (array, ADC and drivers).
  case feedbackMatrixRead = "feedback_matrix_read"
  case cellProgramming = "cell_programming"
  case dataMovement = "data_movement"
  case staticPower = "static_power"
}

/// The training phase energy is spent in.
public enum TrainingPhase: String, Codable, Sendable, CaseIterable {
  case forward, error, gradient, update, `static`
}

/// Energy of one (layer, component, phase) over one training epoch.
public struct EnergyTerm: Codable, Sendable, Equatable {
  /// A layer name, `feedback` for the shared `B` projection or `chip` for static power.
  public var layer: String
  public var component: EnergyComponent
  public var phase: TrainingPhase
  public var joules: Double

  public init(layer: String, component: EnergyComponent, phase: TrainingPhase, joules: Double) {
    self.layer = layer
    self.component = component
    self.phase = phase
    self.joules = joules
  }
}

extension Array where Element == EnergyTerm {
  /// Sum of the terms' energy, optionally restricted.
  public func total(
    layer: String? = nil, component: EnergyComponent? = nil, phase: TrainingPhase? = nil
  ) -> Double {
    reduce(0) { sum, term in
      if let layer, term.layer != layer { return sum }
      if let component, term.component != component { return sum }
      if let phase, term.phase != phase { return sum }
      return sum + term.joules
    }
  }
}
