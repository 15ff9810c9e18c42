@testable import Hardware

/// Small networks and a technology whose numbers are easy to compute by hand.
enum Fixtures {
  /// ISAAC defaults with binary first-layer inputs, a 1 GHz digital clock, effectively unlimited gradient adders
  /// (t_grad = 1 ns) and one 10 ns pulse per row side (t_w = rows · 2 · 10 ns).
  static var handTech: Technology {
    var t = Technology.isaac32nm
    t.digitalClockGhz = 1
    t.gradientAddersPerArray = 1_000_000
    t.maxPulsesPerRow = 1
    t.writePulseNs = 10
    t.firstLayerInputBits = 1  // binary first-layer spikes: one read per step
    return t
  }

  /// `depth` linear 64→64 layers (one row tile: 64 rows written per update, t_w = 1280 ns).
  static func mlp(depth: Int, batch: Int, timeSteps: Int, samples: Int = 1024) -> NetworkDescription {
    let layers = (0..<depth).map { LayerShape.linear("fc\($0 + 1)", 64, 64, feedback: $0 < depth - 1) }
    return NetworkDescription(name: "toy\(depth)", layers: layers, timeSteps: timeSteps, batchSize: batch, samplesPerEpoch: samples)
  }

  static func activity(_ rate: Double, _ net: NetworkDescription) -> ActivityProfile {
    .uniform(rate, layers: net.layers.count)
  }

  static func estimate(
    _ net: NetworkDescription, rate: Double = 0.1, trace: WeightUpdateTrace? = nil, tech: Technology = .isaac32nm
  ) -> HardwareEstimate {
    HardwareModel.estimate(network: net, activity: activity(rate, net), trace: trace, technology: tech)
  }
}
