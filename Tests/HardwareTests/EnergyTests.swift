import Foundation
import Testing
@testable import Hardware

@Suite struct EnergyTests {
  /// One 128→128 linear layer: R = 1, K = ceil(128·4/128) = 4, A = 8; T = 2, ρ = 0.5, one sample.
  @Test func singleLayerCountsByHand() {
    let net = NetworkDescription(
      name: "one", layers: [.linear("fc", 128, 128, feedback: false)], timeSteps: 2, batchSize: 1, samplesPerEpoch: 1,
      firstLayerInputBits: 1)
    let activity = ActivityProfile(layers: [LayerActivity(inputRate: 0.5, outputRate: 0.25)])
    let e = HardwareModel.estimate(network: net, activity: activity, trace: nil, technology: .isaac32nm).pipeSDFA.energy
    func pj(_ c: EnergyComponent, _ p: TrainingPhase) -> Double { e.total(component: c, phase: p) * 1e12 }
    let active = 1 - Foundation.pow(0.5, 128.0)
    expectClose(pj(.crossbarRead, .forward), 2 * 8 * 0.5 * 30)
    expectClose(pj(.adc, .forward), 2 * active * 128 * 4 * 2 * (1.5625 + 0.001))
    expectClose(pj(.dacDrivers, .forward), 2 * 0.5 * 128 * 4 * 2 * 0.39)
    expectClose(pj(.shiftAdd, .forward), 2 * active * 128 * 4 * 0.04)
    expectClose(pj(.neuron, .forward), 2 * active * 128 * 1.27)
    expectClose(pj(.gradientAdd, .gradient), 2 * 0.5 * 128 * 128 * 0.05)
    expectClose(pj(.dataMovement, .forward), 2 * 128 * 0.25 * 0.5)
    // No trace: every one of the 128·128·4·2 cells gets one pulse per batch.
    expectClose(pj(.cellProgramming, .update), 131_072 * 4.545)
    #expect(e.total(component: .feedbackMatrixRead) == 0)  // no hidden layer, no B
  }

  @Test func zeroSpikesLeaveOnlyStaticAndWriteTerms() {
    var tech = Technology.isaac32nm
    tech.staticPowerMw = 5
    for net in [PaperWorkloads.nmnistMLP(layers: 3), PaperWorkloads.dvsConvNet] {
      let e = Fixtures.estimate(net, rate: 0, tech: tech)
      for acc in [e.pipeLayer, e.pipeSDFA] {
        let others = acc.energy.filter { $0.component != .staticPower && $0.component != .cellProgramming }
        #expect(others.isEmpty, "\(others.prefix(3))")
        #expect(acc.energy.total(component: .staticPower) > 0)
        #expect(acc.energy.total(component: .cellProgramming) > 0)
      }
    }
  }

  @Test(arguments: [PaperWorkloads.nmnistMLP(layers: 3), PaperWorkloads.dvsConvNet])
  func moreSpikesMoreReadEnergy(net: NetworkDescription) {
    var previous = (read: -1.0, total: -1.0)
    for rate in [0.0, 0.01, 0.05, 0.1, 0.2, 0.5] {
      let e = Fixtures.estimate(net, rate: rate)
      for acc in [e.pipeSDFA] {
        let read = acc.energy.total(component: .crossbarRead)
        #expect(read > previous.read)
        #expect(acc.epochJoules > previous.total)
        previous = (read, acc.epochJoules)
      }
    }
  }

  @Test func doublingTheBatchLeavesPerSampleEnergyNearlyUnchanged() {
    func perSample(_ batch: Int) -> (compute: Double, total: Double) {
      var net = PaperWorkloads.nmnistMLP(layers: 3)
      net.batchSize = batch
      // A sparse trace: 1 % of the cells change by one level per step.
      let trace = WeightUpdateTrace(layers: Mapping.map(net, technology: .isaac32nm).layers.map {
        LayerUpdateTrace(steps: 1, cells: $0.cellsUsed, changedCells: $0.cellsUsed / 100, levelSteps: $0.cellsUsed / 100, maxLevelStep: 1)
      })
      let e = Fixtures.estimate(net, trace: trace).pipeSDFA
      let n = Double(net.samplesPerEpoch)
      return ((e.epochJoules - e.energy.total(phase: .update)) / n, e.epochJoules / n)
    }
    let a = perSample(64), b = perSample(128)
    expectClose(a.compute, b.compute, rtol: 1e-9)
    #expect(abs(a.total - b.total) / a.total < 0.02)
  }

  @Test func energiesScaleWithTechnologyParametersAsTheEquationsSay() {
    let net = PaperWorkloads.dvsConvNet
    let base = Fixtures.estimate(net).pipeLayer.energy
    var t = Technology.isaac32nm
    t.adcPj *= 2
    t.sampleHoldPj *= 2
    t.writeVoltageV *= 2
    t.crossbarReadPj *= 3
    let scaled = Fixtures.estimate(net, tech: t).pipeLayer.energy
    expectClose(scaled.total(component: .adc), 2 * base.total(component: .adc))
    expectClose(scaled.total(component: .cellProgramming), 4 * base.total(component: .cellProgramming))
    expectClose(scaled.total(component: .crossbarRead), 3 * base.total(component: .crossbarRead))
    expectClose(scaled.total(component: .neuron), base.total(component: .neuron))
  }

  @Test func writeEnergyComesFromTheTrace() {
    let net = Fixtures.mlp(depth: 2, batch: 16, timeSteps: 4, samples: 160)  // 10 batches
    let trace = WeightUpdateTrace(layers: [
      LayerUpdateTrace(steps: 4, cells: 32_768, changedCells: 100, levelSteps: 400, maxLevelStep: 2),
      LayerUpdateTrace(steps: 4, cells: 32_768, changedCells: 0, levelSteps: 0, maxLevelStep: 0),
    ])
    let e = Fixtures.estimate(net, trace: trace).pipeLayer.energy
    expectClose(e.total(layer: "fc1", component: .cellProgramming) * 1e12, 100 * 10 * 4.545)
    #expect(e.total(layer: "fc2", component: .cellProgramming) == 0)
  }

  @Test func oneTimeProgrammingIsReportedApart() {
    let e = Fixtures.estimate(PaperWorkloads.nmnistMLP(layers: 2))
    let cells = Double((2312 * 1000 + 1000 * 10) * 4 * 2)
    expectClose(e.pipeSDFA.programmingWeightsJ * 1e12, cells * 1.5 * 4.545)  // mean of levels 0...3
    expectClose(e.pipeSDFA.programmingFeedbackJ * 1e12, 10 * 1000 * 2 * 4.545)
    #expect(e.pipeLayer.programmingFeedbackJ == 0)
  }

  @Test func sdfaSavesTheTransposedReadsAndPaysForTheProjection() {
    let e = Fixtures.estimate(PaperWorkloads.nmnistMLP(layers: 4))
    #expect(e.pipeSDFA.energy.total(component: .crossbarRead, phase: .error) == 0)
    #expect(e.pipeLayer.energy.total(component: .adc, phase: .error) > 0)
    #expect(e.pipeSDFA.energy.total(component: .feedbackMatrixRead) > 0)
    #expect(e.pipeLayer.energy.total(phase: .forward) == e.pipeSDFA.energy.total(phase: .forward))
    // ADC dominates the read side, as in ISAAC.
    let adc = e.pipeLayer.energy.total(component: .adc)
    for c in EnergyComponent.allCases where c != .adc { #expect(e.pipeLayer.energy.total(component: c) < adc) }
  }
}

func expectClose(_ a: Double, _ b: Double, rtol: Double = 1e-9, sourceLocation: SourceLocation = #_sourceLocation) {
  #expect(abs(a - b) <= rtol * max(abs(a), abs(b)) + 1e-30, "\(a) vs \(b)", sourceLocation: sourceLocation)
}
