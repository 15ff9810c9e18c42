import Foundation
import Testing
@testable import Hardware

/// The nine workloads' shapes as the model costs them. No test here asserts the paper's time
/// or energy bands: the model is not fitted to them (experiments/hardware/sensitivity.yml shows
/// where its assumptions put the ratios beside the bands).
@Suite struct WorkloadShapeTests {
  /// B is `[classes, F_max]` as in the reference's `module/sdfa.py`, not `[classes × 10, …]`
  /// for the voting networks. N-Caltech101 VGG11: F_max = conv1 pooled = 64 · 90 · 120 =
  /// 691 200 columns, 101 rows: ⌈101/128⌉ · ⌈691 200 · 1 / 128⌉ · 2 = 1 · 5 400 · 2 = 10 800
  /// arrays (the voting width, 1 010 rows, would need 8 row tiles: 86 400).
  @Test func feedbackMatrixHasOneRowPerClass() {
    let m = Mapping.map(PaperWorkloads.ncaltechVGG11, technology: .isaac32nm)
    #expect(m.feedbackRows == 101)
    #expect(m.feedbackColumns == 691_200)
    #expect(m.feedbackArrays == 10_800)
    let dvs = Mapping.map(PaperWorkloads.dvsConvNet, technology: .isaac32nm)
    #expect(dvs.feedbackRows == 11)
    #expect(dvs.feedbackColumns == 32 * 64 * 64)  // conv1 after its pool
    #expect(dvs.feedbackArrays == 1 * 1_024 * 2)
  }

  /// Braille as the reference trains it: 152 steps (the config's T: 20 is unused), 1 080
  /// training samples, 28 outputs.
  @Test func brailleRunsTheDatasStepsNotTheConfigsT() {
    let b = PaperWorkloads.brailleMLP
    #expect(b.timeSteps == 152 && b.samplesPerEpoch == 1_080 && b.errorSize == 28)
  }

  @Test func estimateRoundTripsThroughJSONAndRenders() throws {
    let e = Fixtures.estimate(PaperWorkloads.ncaltechVGG11)
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
