import Foundation
import Testing
@testable import Hardware

/// The nine workloads of the paper's table with the default technology (rram-32nm) and a
/// uniform spike rate of 0.1 (a stand-in until the train stage records real rates).
@Suite struct PaperWorkloadTests {
  static let estimates = PaperWorkloads.all.map { Fixtures.estimate($0, rate: 0.1) }
  static func ratio(_ name: String) -> (time: Double, energy: Double) {
    let e = estimates.first { $0.network == name }!
    return (e.timeRatio, e.energyRatio)
  }

  @Test func pipeSDFAIsNeverSlowerNorCostlier() {
    for e in Self.estimates {
      #expect(e.timeRatio >= 1, "\(e.network)")
      #expect(e.energyRatio >= 1, "\(e.network)")
    }
  }

  /// Paper: 1.1×–10.5×. Structurally the ratio is ≈ (2L + B + 1)·T / (B·T + L − 1): the MLPs
  /// (large B) sit at 1.02–1.09×, the conv nets at 2.8–6.2×. 10.5× is not reached with
  /// k_bwd = 1 (see rram-32nm.yml for the knob and why it stays at 1).
  @Test func timeRatiosLieInThePaperRangeShapeAndGrowWithDepth() {
    for name in ["nmnist-mlp2", "nmnist-mlp3", "nmnist-mlp4", "nmnist-mlp5", "shd-mlp3", "braille-mlp3"] {
      #expect((1.0...1.15).contains(Self.ratio(name).time), "\(name): \(Self.ratio(name).time)")
    }
    for name in ["dvs-convnet", "dvs-vgg11", "ncaltech-vgg11"] {
      #expect((2.5...10.5).contains(Self.ratio(name).time), "\(name): \(Self.ratio(name).time)")
    }
    let mlp = (2...5).map { Self.ratio("nmnist-mlp\($0)").time }
    #expect(mlp == mlp.sorted())
    #expect(Self.ratio("dvs-convnet").time < Self.ratio("dvs-vgg11").time)
    #expect(Self.ratio("dvs-vgg11").time < Self.ratio("ncaltech-vgg11").time)  // smaller batch
  }

  /// Paper: 1.37×–2.1×. The deep workloads land in or just above the band (the VGG11s at
  /// ≈ 2.15×: BP's dense error drives every column of the transposed reads); the shallowest
  /// MLPs fall below it because only their small last layers need transposed reads.
  @Test func energyRatiosLieInOrNearThePaperBandAndGrowWithDepth() {
    for e in Self.estimates { #expect(e.energyRatio <= 2.2, "\(e.network): \(e.energyRatio)") }
    for name in ["nmnist-mlp4", "nmnist-mlp5", "braille-mlp3", "dvs-convnet", "dvs-vgg11", "ncaltech-vgg11"] {
      #expect((1.37...2.2).contains(Self.ratio(name).energy), "\(name): \(Self.ratio(name).energy)")
    }
    let mlp = (2...5).map { Self.ratio("nmnist-mlp\($0)").energy }
    #expect(mlp == mlp.sorted())
    #expect(Self.ratio("dvs-convnet").energy < Self.ratio("dvs-vgg11").energy)
  }

  @Test(arguments: [0.02, 0.05, 0.2])
  func conclusionsHoldOverSpikeRates(rate: Double) {
    for net in PaperWorkloads.all {
      let e = Fixtures.estimate(net, rate: rate)
      #expect(e.timeRatio >= 1 && e.timeRatio <= 10.5, "\(net.name)")
      #expect(e.energyRatio >= 1 && e.energyRatio <= 2.5, "\(net.name): \(e.energyRatio)")
    }
  }

  @Test func estimateRoundTripsThroughJSONAndRenders() throws {
    let e = Self.estimates.last!
    let data = try JSONEncoder().encode(e)
    #expect(try JSONDecoder().decode(HardwareEstimate.self, from: data) == e)
    let text = HardwareReport.render(e)
    #expect(text.contains("ncaltech-vgg11"))
    #expect(text.contains(String(format: "%.2fx faster", e.timeRatio)))
    #expect(text.contains("feedback B"))
    for line in e.assumptions { #expect(text.contains(line)) }
    let detailed = HardwareReport.render(e, detail: true)
    #expect(detailed.contains("pipesdfa: energy per epoch by layer and component"))
    #expect(detailed.contains("pipelayer: energy per epoch by layer and phase"))
  }
}
