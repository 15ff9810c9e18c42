/// Time, energy and area of one accelerator training one network.
public struct AcceleratorEstimate: Codable, Sendable, Equatable {
  public var accelerator: Accelerator
  /// Arrays of this accelerator: weights (with replication) plus `B` or duplicate transposes.
  public var arrays: Int
  public var timing: TimingEstimate
  /// Per layer × component × phase, per epoch.
  public var energy: [EnergyTerm]
  /// One-time programming of the weights and of `B`, reported apart from training.
  public var programmingWeightsJ: Double
  public var programmingFeedbackJ: Double
  /// Chip area in mm² when the technology has areas.
  public var areaMm2: Double?

  public var epochSeconds: Double { timing.epochNs * 1e-9 }
  public var epochJoules: Double { energy.total() }
}

/// The comparison of PipeLayer and PipeSDFA for one trained network.
public struct HardwareEstimate: Codable, Sendable, Equatable {
  public var network: String
  public var technology: String
  public var mapping: NetworkMapping
  public var pipeLayer: AcceleratorEstimate
  public var pipeSDFA: AcceleratorEstimate
  /// Every assumption the numbers rest on, to print beside the totals.
  public var assumptions: [String]

  /// PipeLayer's epoch time over PipeSDFA's (the paper reports 1.1×–10.5×).
  public var timeRatio: Double { pipeLayer.timing.epochNs / pipeSDFA.timing.epochNs }
  /// PipeLayer's epoch energy over PipeSDFA's (the paper reports 1.37×–2.1×).
  public var energyRatio: Double { pipeLayer.epochJoules / pipeSDFA.epochJoules }

  public func estimate(for accelerator: Accelerator) -> AcceleratorEstimate {
    accelerator == .pipeLayer ? pipeLayer : pipeSDFA
  }
}

/// The hardware model's entry point: mapping, timing, energy and area of both accelerators.
public enum HardwareModel {
  /// Estimates one epoch of training `network` on both accelerators.
  ///
  /// `activity` holds the measured spike rates (one entry per layer); `trace` the recorded
  /// weight changes (nil: every cell changes by one level per batch).
  ///
  /// ```swift
  /// let e = HardwareModel.estimate(network: net, activity: .uniform(0.1, layers: 2),
  ///                                trace: nil, technology: .isaac32nm)
  /// print(HardwareReport.render(e))
  /// ```
  public static func estimate(
    network: NetworkDescription, activity: ActivityProfile, trace: WeightUpdateTrace?,
    technology tech: Technology
  ) -> HardwareEstimate {
    precondition(activity.layers.count == network.layers.count, "activity has \(activity.layers.count) layers, network \(network.layers.count)")
    precondition(trace == nil || trace!.layers.count == network.layers.count, "trace and network differ in layer count")
    let mapping = Mapping.map(network, technology: tech)
    func one(_ accelerator: Accelerator) -> AcceleratorEstimate {
      let timing = accelerator == .pipeLayer
        ? Timing.pipeLayer(network: network, mapping: mapping, activity: activity, trace: trace, technology: tech)
        : Timing.pipeSDFA(network: network, mapping: mapping, activity: activity, trace: trace, technology: tech)
      let energy = EnergyModel.epochTerms(
        accelerator, network: network, mapping: mapping, activity: activity, trace: trace, timing: timing,
        technology: tech)
      let programming = EnergyModel.programming(accelerator, mapping: mapping, technology: tech)
      return AcceleratorEstimate(
        accelerator: accelerator,
        arrays: accelerator == .pipeLayer ? mapping.pipeLayerArrays : mapping.pipeSDFAArrays,
        timing: timing, energy: energy, programmingWeightsJ: programming.weights,
        programmingFeedbackJ: programming.feedback,
        areaMm2: Area.chipMm2(accelerator, network: network, mapping: mapping, technology: tech))
    }
    return HardwareEstimate(
      network: network.name, technology: tech.name, mapping: mapping,
      pipeLayer: one(.pipeLayer), pipeSDFA: one(.pipeSDFA),
      assumptions: Assumptions.list(network: network, technology: tech, traced: trace != nil))
  }
}
