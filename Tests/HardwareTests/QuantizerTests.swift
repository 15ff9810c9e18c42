import Foundation
import TestSupport
import Testing
@testable import Hardware

@Suite struct QuantizerTests {
  /// 4-bit weights in 2-bit cells (two cells per weight), range 1: levels are multiples of 1/15.
  let q = WeightQuantizer(weightBits: 4, cellBits: 2, scheme: .differential, range: 1)

  @Test func levelsAndDigits() {
    #expect(q.maxLevel == 15)
    #expect(q.cellsPerWeight == 2)
    #expect(q.level(0.2) == 3)
    #expect(q.level(-0.4) == -6)
    #expect(q.level(7) == 15)  // clipped
    #expect(q.digits(6) == [2, 1])
    #expect(q.cellDigits(-0.4) == [[0, 0], [2, 1]])
    let offset = WeightQuantizer(weightBits: 4, cellBits: 2, scheme: .offset, range: 1)
    #expect(offset.level(-1) == 0)
    #expect(offset.level(1) == 15)
    #expect(offset.cellDigits(0) == [[0, 2]])  // round(7.5) = 8
  }

  @Test(arguments: [SignedWeightScheme.differential, .offset])
  func quantisedWeightsAreWithinHalfAStep(scheme: SignedWeightScheme) {
    let q = WeightQuantizer(weightBits: 8, cellBits: 2, scheme: scheme, range: 0.5)
    let weights = (0..<101).map { Float($0 - 50) / 100 }
    let step: Float = scheme == .differential ? 0.5 / 255 : 1.0 / 255
    for (w, h) in zip(weights, q.quantized(weights)) { #expect(abs(w - h) <= step / 2 + 1e-6) }
  }

  @Test func traceOfOneStepCountsChangedDigitsAndLevelSteps() {
    // 0.2 → 0.4: positive array [3,0] → [2,1]: two cells change by one level each.
    // -0.2 → 0.2: negative [3,0] → [0,0] and positive [0,0] → [3,0]: two cells, 3 levels each.
    // 0.5 → 0.5: unchanged.
    let t = LayerUpdateTrace(old: [0.2, -0.2, 0.5], new: [0.4, 0.2, 0.5], quantizer: q)
    #expect(t.steps == 1)
    #expect(t.cells == 3 * 2 * 2)
    #expect(t.changedCells == 4)
    #expect(t.levelSteps == 8)
    #expect(t.maxLevelStep == 3)
    // A change below half a level changes nothing.
    #expect(LayerUpdateTrace(old: [0.2], new: [0.201], quantizer: q).changedCells == 0)
  }

  @Test(arguments: [SignedWeightScheme.differential, .offset], [1, 2, 3])
  func traceMatchesANaiveDigitComparison(scheme: SignedWeightScheme, cellBits: Int) {
    let q = WeightQuantizer(weightBits: 8, cellBits: cellBits, scheme: scheme, range: 1)
    var state: UInt64 = 42
    func uniform() -> Float {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Float(state >> 40) / Float(1 << 24) * 2.4 - 1.2
    }
    let old = (0..<2000).map { _ in uniform() }
    let new = old.enumerated().map { $0.offset % 3 == 0 ? $0.element : $0.element + uniform() * 0.05 }
    var changed = 0, steps = 0, largest = 0
    for (a, b) in zip(old, new) {
      for (x, y) in zip(q.cellDigits(a), q.cellDigits(b)) {
        for (dx, dy) in zip(x, y) where dx != dy {
          changed += 1
          steps += abs(dx - dy)
          largest = max(largest, abs(dx - dy))
        }
      }
    }
    let t = LayerUpdateTrace(old: old, new: new, quantizer: q)
    #expect(t.changedCells == changed)
    #expect(t.levelSteps == steps)
    #expect(t.maxLevelStep == largest)
    #expect(changed > 0)
  }

  @Test func traceAccumulatesOverSteps() {
    var trace = WeightUpdateTrace(layerCount: 2)
    trace.record(layer: 0, old: [0.2], new: [0.4], quantizer: q)
    trace.record(layer: 0, old: [0.4], new: [0.2], quantizer: q)
    #expect(trace.layers[0].steps == 2)
    #expect(trace.layers[0].levelSteps == 4)
    #expect(trace.layers[0].levelStepsPerStep == 2)
    #expect(trace.layers[0].changedFraction == 2.0 / 4.0)
    #expect(trace.layers[1].steps == 0)
  }

  @Test func programmingNoiseIsSeededAndSizedInLevels() {
    let weights = (0..<4096).map { Float(($0 * 37) % 200 - 100) / 100 }
    let tech = Technology.isaac32nm
    let clean = HardwareWeights.programmed(layers: [weights], technology: tech)[0]
    let quantised = WeightQuantizer(technology: tech, range: 1).quantized(weights)
    #expect(clean == quantised)
    let a = HardwareWeights.programmed(layers: [weights], technology: tech, noiseSigmaLevels: 0.2, seed: 1)[0]
    let b = HardwareWeights.programmed(layers: [weights], technology: tech, noiseSigmaLevels: 0.2, seed: 1)[0]
    let c = HardwareWeights.programmed(layers: [weights], technology: tech, noiseSigmaLevels: 0.2, seed: 2)[0]
    #expect(a == b)
    #expect(a != c)
    // Each cell gets σ = 0.2 of its levels; cell i weighs 4^i weight levels, so the error is
    // ≈ 0.2 · √(1 + 4² + 4⁴ + 4⁶) · √2 ≈ 19 weight levels for a pair, less where cells clip.
    let errors = zip(a, clean).map { Double($0 - $1) * 255 }
    let rms = (errors.reduce(0) { $0 + $1 * $1 } / Double(errors.count)).squareRoot()
    #expect(rms > 8 && rms < 20, "rms \(rms) levels")
  }

  @Test func networkValidationNamesTheField() {
    var net = PaperWorkloads.nmnistMLP(layers: 2)
    #expect(net.validate().isEmpty)
    net.batchSize = 0
    net.layers[1].outFeatures = 0
    #expect(net.validate().map(\.path) == ["batchSize", "layers[1].outFeatures"])
  }

  @Test(arguments: ["rram-32nm", "mnsim-like", "neurosim-like", "agasi-slow"])
  func everyPresetKeepsPipeSDFAAheadOnTheDeepWorkloads(preset: String) throws {
    let text = try TechnologyTests.presetText(preset)
    let tech = try JSONDecoder().decode(Technology.self, from: try MiniYAML.json(text))
    for net in [PaperWorkloads.nmnistMLP(layers: 5), PaperWorkloads.dvsConvNet, PaperWorkloads.ncaltechVGG11] {
      let e = Fixtures.estimate(net, tech: tech)
      #expect(e.timeRatio >= 1, "\(preset) \(net.name) time \(e.timeRatio)")
      #expect(e.energyRatio >= 1, "\(preset) \(net.name) energy \(e.energyRatio)")
    }
  }
}

@Test func recorderFixesEachLayersRangeAtItsFirstStep() {
  var recorder = WeightUpdateRecorder(technology: .isaac32nm, layerCount: 2)
  recorder.observe(layer: 0, old: [0.5, -0.25], new: [0.5, -0.25])
  #expect(recorder.quantizers[0]?.range == 1)  // headroom 2 × 0.5
  #expect(recorder.quantizers[1] == nil)
  // Doubling every weight would leave the levels unchanged under a rescaled range; here it moves them.
  recorder.observe(layer: 0, old: [0.5, -0.25], new: [1.0, -0.5])
  #expect(recorder.quantizers[0]?.range == 1)
  #expect(recorder.trace.layers[0].steps == 2)
  #expect(recorder.trace.layers[0].changedCells > 0)
}

@Test func activityValidationNamesTheRate() {
  let a = ActivityProfile(inputRate: 0.2, outputRates: [0.1, 1.5])
  #expect(a.layers[1].inputRate == 0.1)
  #expect(a.validate().map(\.path) == ["layers[1].outputRate"])
}
