import Foundation
import Testing
@testable import Hardware

/// The reverse-time (BPTT) membrane terms follow the training, not the accelerator.
///
/// Two 64→64 layers (fc1 hidden with a feedback point, fc2 output), T = 2, one sample, every
/// input active (ρ = 1, so the tile-activity factor is exactly 1), ISAAC energies: multiply
/// 0.2 pJ, buffer 0.1 pJ/bit, 8-bit errors. Per layer trained through time:
/// - multiply: T · N_out = 2 · 64 = 128 multiplies → 25.6 pJ;
/// - buffer: T · N_out · b_e · 2 = 2 · 64 · 8 · 2 = 2 048 bits → 204.8 pJ.
/// PipeSDFA adds its broadcast for fc1: multiply T · F = 128 → 25.6 pJ, buffer F · b_e · 2 =
/// 1 024 bits → 102.4 pJ. PipeLayer's error phase has no multiply or buffer term of its own.
@Suite struct ReverseTimeTests {
  static func energy(local: Bool) -> (pipeLayer: [EnergyTerm], pipeSDFA: [EnergyTerm]) {
    var net = Fixtures.mlp(depth: 2, batch: 1, timeSteps: 2, samples: 1)
    net.hiddenReverseTime = !local
    let e = HardwareModel.estimate(
      network: net, activity: .uniform(1, layers: 2), trace: nil, technology: Fixtures.handTech)
    return (e.pipeLayer.energy, e.pipeSDFA.energy)
  }

  static func pj(_ terms: [EnergyTerm], _ c: EnergyComponent, layer: String? = nil) -> Double {
    terms.total(layer: layer, component: c, phase: .error) * 1e12
  }

  @Test func throughTimeBothAcceleratorsPayForEveryLayer() {
    let (pl, sd) = Self.energy(local: false)
    expectClose(Self.pj(pl, .multiply), 2 * 25.6)
    expectClose(Self.pj(pl, .buffer), 2 * 204.8)
    expectClose(Self.pj(sd, .multiply), 2 * 25.6 + 25.6)
    expectClose(Self.pj(sd, .buffer), 2 * 204.8 + 102.4)
  }

  @Test func temporallyLocalTrainingPaysOnlyForTheOutputLayer() {
    let (pl, sd) = Self.energy(local: true)
    expectClose(Self.pj(pl, .multiply), 25.6)
    #expect(Self.pj(pl, .multiply, layer: "fc1") == 0)
    expectClose(Self.pj(pl, .buffer), 204.8)
    expectClose(Self.pj(sd, .multiply), 25.6 + 25.6)
    expectClose(Self.pj(sd, .buffer), 204.8 + 102.4)
  }

  /// Event counts up to 3 need ⌈log2 4⌉ = 2 bit-serial reads per step in the first layer: its
  /// slot is 2 · 100 ns, its forward ADC energy doubles, the second layer's is unchanged.
  @Test func firstLayerInputBitsComeFromTheTrainedNetwork() {
    var net = Fixtures.mlp(depth: 2, batch: 4, timeSteps: 3)
    let one = Fixtures.estimate(net, tech: Fixtures.handTech)
    net.firstLayerInputBits = 2
    let two = Fixtures.estimate(net, tech: Fixtures.handTech)
    #expect(two.pipeSDFA.timing.layers.map(\.slotNs) == [200, 100])
    expectClose(
      two.pipeSDFA.energy.total(layer: "fc1", component: .adc, phase: .forward),
      2 * one.pipeSDFA.energy.total(layer: "fc1", component: .adc, phase: .forward))
    expectClose(
      two.pipeSDFA.energy.total(layer: "fc2", component: .adc, phase: .forward),
      one.pipeSDFA.energy.total(layer: "fc2", component: .adc, phase: .forward))
  }
}
