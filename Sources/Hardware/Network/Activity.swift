/// Measured spike activity of one layer, averaged over samples and time steps.
public struct LayerActivity: Codable, Sendable, Equatable {
  /// Fraction of the layer's inputs that are non-zero in a time step (`ρ_{l-1}`).
  public var inputRate: Double
  /// Fraction of the layer's outputs that spike in a time step.
  public var outputRate: Double

  public init(inputRate: Double, outputRate: Double) {
    self.inputRate = inputRate
    self.outputRate = outputRate
  }
}

/// Activity of every layer of a network, in layer order.
public struct ActivityProfile: Codable, Sendable, Equatable {
  public var layers: [LayerActivity]

  public init(layers: [LayerActivity]) { self.layers = layers }

  /// The same rate everywhere (a stand-in when no training run recorded one).
  public static func uniform(_ rate: Double, layers count: Int) -> ActivityProfile {
    ActivityProfile(layers: Array(repeating: LayerActivity(inputRate: rate, outputRate: rate), count: count))
  }

  /// A profile from per-layer output rates and the network's input rate: layer `l`'s input
  /// rate is layer `l-1`'s output rate.
  public init(inputRate: Double, outputRates: [Double]) {
    var layers: [LayerActivity] = []
    var previous = inputRate
    for rate in outputRates {
      layers.append(LayerActivity(inputRate: previous, outputRate: rate))
      previous = rate
    }
    self.layers = layers
  }

  /// Rates outside [0, 1] (or not finite), by field path; empty when usable.
  public func validate() -> [TechnologyIssue] {
    var issues: [TechnologyIssue] = []
    for (i, layer) in layers.enumerated() {
      for (key, rate) in [("inputRate", layer.inputRate), ("outputRate", layer.outputRate)] where !(0...1).contains(rate) {
        issues.append(TechnologyIssue(path: "layers[\(i)].\(key)", value: "\(rate)", allowed: "0...1"))
      }
    }
    return issues
  }
}
