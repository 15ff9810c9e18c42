import Testing
@testable import Hardware

/// Toy pipelines whose cycle counts are written down by hand (research notes §4):
/// PipeLayer  T_batch = (2L + B)·τ_PL + max(τ_PL, t_w),  τ_PL = T·t_xb for linear layers;
/// PipeSDFA   T_batch = (B·T + L − 1)·τ + t_proj + t_grad + t_exp,  t_proj = b_e·t_xb.
/// With `Fixtures.handTech`: t_xb = 100 ns, t_w = 64·2·1·10 = 1280 ns, t_grad = 1 ns.
@Suite struct TimingTests {
  let tech = Fixtures.handTech

  func times(_ net: NetworkDescription, tech: Technology? = nil, trace: WeightUpdateTrace? = nil) -> (TimingEstimate, TimingEstimate) {
    let t = tech ?? self.tech
    let m = Mapping.map(net, technology: t)
    let a = Fixtures.activity(0.5, net)
    return (Timing.pipeLayer(network: net, mapping: m, activity: a, trace: trace, technology: t),
            Timing.pipeSDFA(network: net, mapping: m, activity: a, trace: trace, technology: t))
  }

  @Test func oneLayerBatchOneOneStep() {
    let (pl, sd) = times(Fixtures.mlp(depth: 1, batch: 1, timeSteps: 1))
    #expect(pl.cycleNs == 100)
    #expect(pl.cyclesPerBatch == 3)
    #expect(pl.batchNs == 3 * 100 + 1280)
    #expect(pl.bubbleNsPerBatch == 2 * 100 + 1280)
    // One layer has no feedback point: no projection, layer 1's write fully exposed.
    #expect(sd.cyclesPerBatch == 1)
    #expect(sd.projectionNs == 0)
    #expect(sd.batchNs == 100 + 1 + 1280)
    #expect(sd.bubbleNsPerBatch == 1 + 1280)
  }

  @Test func twoLayersBatchFourThreeSteps() {
    let (pl, sd) = times(Fixtures.mlp(depth: 2, batch: 4, timeSteps: 3))
    #expect(pl.cycleNs == 300)
    #expect(pl.batchNs == Double(2 * 2 + 4) * 300 + 1280)
    #expect(sd.cyclesPerBatch == 4 * 3 + 1)
    #expect(sd.projectionNs == 800)
    // t_exp = max(1280 − 0·τ, 1280 − 1·τ) = 1280.
    #expect(sd.batchNs == 13 * 100 + 800 + 1 + 1280)
    #expect(sd.bubbleNsPerBatch == 1 * 100 + 800 + 1 + 1280)
  }

  @Test func fiveLayersBatchEightTenSteps() {
    let net = Fixtures.mlp(depth: 5, batch: 8, timeSteps: 10, samples: 80)
    let (pl, sd) = times(net)
    #expect(pl.batchNs == Double(10 + 8) * 1000 + 1280)  // update max(τ_PL = 1000, 1280)
    #expect(sd.batchNs == Double(80 + 4) * 100 + 800 + 1 + 1280)
    #expect(pl.batchesPerEpoch == 10)
    #expect(pl.epochNs == 10 * pl.batchNs)
    #expect(sd.epochNs == 10 * sd.batchNs)
  }

  @Test func slowWriteStretchesPipeLayerUpdateCycleAndHidesBehindLaterSDFALayers() {
    var t = tech
    t.writePulseNs = 1000  // t_w = 128 µs
    let (pl, sd) = times(Fixtures.mlp(depth: 3, batch: 2, timeSteps: 2), tech: t)
    #expect(pl.updateNs == 128_000)
    #expect(sd.updateNs == 128_000)  // layer 1 is needed at once by the next batch
    t.architecture.staleWeights = true
    let (_, stale) = times(Fixtures.mlp(depth: 3, batch: 2, timeSteps: 2), tech: t)
    #expect(stale.updateNs == 0)
  }

  @Test func convSlotIsPositionsOverReplicationTimesReadCycle() {
    let net = NetworkDescription(
      name: "conv", layers: [.conv("c1", 2, 8, height: 4, width: 4), .linear("fc", 128, 10, feedback: false)],
      timeSteps: 2, batchSize: 2, samplesPerEpoch: 2)
    let (pl, sd) = times(net)
    #expect(pl.layers[0].slotNs == 1600)
    #expect(pl.cycleNs == 2 * 1600)
    #expect(sd.cycleNs == 1600)
    #expect(pl.batchNs == Double(4 + 2) * 3200 + 3200)
  }

  @Test func backwardSlotFactorMultipliesPipeLayerErrorStages() {
    var t = tech
    t.architecture.backwardSlotFactor = 2
    let (pl, sd) = times(Fixtures.mlp(depth: 2, batch: 4, timeSteps: 3), tech: t)
    #expect(pl.cycleNs == 3 * 200)
    #expect(sd.cycleNs == 100)
  }

  @Test func unchangedWeightsNeedNoWrite() {
    let net = Fixtures.mlp(depth: 2, batch: 4, timeSteps: 3)
    let trace = WeightUpdateTrace(layers: [LayerUpdateTrace(steps: 5, cells: 64 * 64 * 8),
                                           LayerUpdateTrace(steps: 5, cells: 64 * 64 * 8)])
    let (pl, sd) = times(net, trace: trace)
    #expect(pl.updateNs == pl.cycleNs)
    #expect(sd.updateNs == 0)
  }

  @Test(arguments: [1, 4, 32], [1, 10])
  func moreLayersNeverFewerCycles(batch: Int, timeSteps: Int) {
    var previous: (Double, Double) = (0, 0)
    for depth in 1...8 {
      let (pl, sd) = times(Fixtures.mlp(depth: depth, batch: batch, timeSteps: timeSteps))
      #expect(pl.batchNs >= previous.0)
      #expect(sd.batchNs >= previous.1)
      previous = (pl.batchNs, sd.batchNs)
      // With T = 1 the b_e-read projection outweighs the saved fill/drain until 2L > L − 1 + b_e.
      if depth >= 2 && (timeSteps > 1 || depth >= 8) { #expect(sd.batchNs <= pl.batchNs) }
    }
  }
}

@Test func multiBitFirstLayerInputTakesOneReadPerBit() {
  var tech = Fixtures.handTech
  tech.firstLayerInputBits = 4
  let net = Fixtures.mlp(depth: 2, batch: 4, timeSteps: 3)
  let m = Mapping.map(net, technology: tech)
  let a = Fixtures.activity(0.5, net)
  let sd = Timing.pipeSDFA(network: net, mapping: m, activity: a, trace: nil, technology: tech)
  #expect(sd.layers.map(\.slotNs) == [400, 100])
  #expect(sd.cycleNs == 400)
  let base = Fixtures.estimate(net, tech: Fixtures.handTech).pipeSDFA.energy
  let multi = Fixtures.estimate(net, tech: tech).pipeSDFA.energy
  expectClose(multi.total(layer: "fc1", component: .adc), 4 * base.total(layer: "fc1", component: .adc))
  expectClose(multi.total(layer: "fc2", component: .adc), base.total(layer: "fc2", component: .adc))
}

@Test func slowGradientUnitsBindThePipelines() {
  var tech = Fixtures.handTech
  tech.gradientAddersPerArray = 1  // 3 · 0.5 · 64 · 64 adds over 4 arrays: 1536 cycles of 1 ns
  let net = Fixtures.mlp(depth: 2, batch: 4, timeSteps: 3)
  let m = Mapping.map(net, technology: tech)
  let a = Fixtures.activity(0.5, net)
  let pl = Timing.pipeLayer(network: net, mapping: m, activity: a, trace: nil, technology: tech)
  let sd = Timing.pipeSDFA(network: net, mapping: m, activity: a, trace: nil, technology: tech)
  #expect(pl.cycleNs == 1536)
  #expect(sd.cycleNs == 512)
  #expect(sd.batchNs == 13 * 512 + 800 + 1536 + 1280)
}
