import Foundation
import Testing
@testable import Report

@Suite struct AggregationTests {
  @Test func groupsByEverythingButTheSeed() {
    let groups = Report.aggregate(Fixtures.small)
    #expect(groups.map(\.label) == [
      "dataset=nmnist, method=bp", "dataset=nmnist, method=sdfa", "dataset=shd, method=bp", "dataset=shd, method=sdfa",
    ])
    #expect(groups.map(\.seeds) == [["0", "1", "2"], ["0", "1", "2"], ["0"], ["0", "1"]])
  }

  @Test func handComputedMeansAndStandardDeviations() throws {
    let groups = Report.aggregate(Fixtures.small)
    let bp = groups[0].bestTestAccuracy, sdfa = groups[1].bestTestAccuracy
    #expect(bp.n == 3 && abs(bp.mean! - 0.92) < 1e-12 && abs(bp.std! - 0.02) < 1e-12)
    // SDFA best: 0.88, 0.89, 0.93 → mean 0.90, Σd² = 0.0014, std = √0.0007.
    #expect(abs(sdfa.mean! - 0.90) < 1e-12 && abs(sdfa.std! - 0.0007.squareRoot()) < 1e-12)
    // SDFA final: 0.87, 0.88, 0.92 → mean 0.89.
    #expect(abs(groups[1].finalTestAccuracy.mean! - 0.89) < 1e-12)
  }

  @Test func singleSeedHasNoStandardDeviation() {
    let shdBP = Report.aggregate(Fixtures.small)[2]
    #expect(shdBP.bestTestAccuracy.n == 1 && shdBP.bestTestAccuracy.std == nil)
    #expect(shdBP.bestTestAccuracy.mean == 0.7)
  }

  @Test func divergedRunIsExcludedAndCounted() throws {
    let shdSDFA = Report.aggregate(Fixtures.small)[3]
    // Final accuracy: 0.72 and NaN → n = 1 with one excluded, no std.
    #expect(shdSDFA.finalTestAccuracy == Summary(n: 1, nonFinite: 1, mean: 0.72, std: nil))
    // Best accuracy ignores the NaN epoch: 0.72 and 0.5.
    #expect(shdSDFA.bestTestAccuracy.n == 2 && abs(shdSDFA.bestTestAccuracy.mean! - 0.61) < 1e-12)
    // The curve's last epoch has one finite value.
    #expect(shdSDFA.testAccuracyCurve[1].summary.n == 1 && shdSDFA.testAccuracyCurve[1].summary.nonFinite == 1)
  }

  @Test func learningCurvesAveragePerEpoch() {
    let bp = Report.aggregate(Fixtures.small)[0]
    #expect(bp.testAccuracyCurve.map(\.epoch) == [1, 2, 3])
    #expect(abs(bp.testAccuracyCurve[0].summary.mean! - 0.82) < 1e-12)
    #expect(abs(bp.testAccuracyCurve[0].summary.std! - 0.02) < 1e-12)
    #expect(abs(bp.testLossCurve[2].summary.mean! - 0.18) < 1e-12)
  }

  @Test func pairsMethodsAndComputesDelta() throws {
    let comparisons = Report.compareMethods(Report.aggregate(Fixtures.small))
    #expect(comparisons.map(\.label) == ["dataset=nmnist", "dataset=shd"])
    #expect(abs(try #require(comparisons[0].delta(.best)) - -0.02) < 1e-12)
    // √(0.02²/3 + 0.0007/3)
    let se = try #require(comparisons[0].deltaStandardError(.best))
    #expect(abs(se - ((0.0004 + 0.0007) / 3).squareRoot()) < 1e-12)
    #expect(comparisons[1].deltaStandardError(.best) == nil)
  }

  @Test func workloadMissingAMethodKeepsTheOtherSide() {
    let records = Fixtures.small.filter { $0.value(of: "method") == "sdfa" }
    let comparisons = Report.compareMethods(Report.aggregate(records))
    #expect(comparisons.count == 2 && comparisons.allSatisfy { $0.baseline == nil && $0.proposed != nil })
    #expect(comparisons[0].delta(.best) == nil)
  }

  @Test func recordOrderInsideAGroupDoesNotMatter() {
    // Without the NaN run: NaN != NaN would fail the comparison of equal groups.
    let finite = Fixtures.small.filter { $0.value(of: "dataset") == "nmnist" }
    let byLabel = { (groups: [SeedGroup]) in Dictionary(uniqueKeysWithValues: groups.map { ($0.label, $0) }) }
    #expect(byLabel(Report.aggregate(finite)) == byLabel(Report.aggregate(finite.reversed())))
    #expect(Report.aggregate(Fixtures.small.reversed()).map(\.seeds).allSatisfy { $0 == $0.sorted() })
  }

  @Test func hardwareFollowsEachAcceleratorsMethod() throws {
    var records = Fixtures.small
    // BP runs get a PipeSDFA estimate that must not leak into PipeSDFA's numbers.
    for i in records.indices where records[i].value(of: "method") == "bp" && records[i].hardware != nil {
      records[i].hardware![1].totalTime = 1000
    }
    let hardware = Report.summarizeHardware(records)
    #expect(hardware.count == 1 && hardware[0].label == "dataset=nmnist")
    let pipesdfa = try #require(hardware[0].accelerator("pipesdfa"))
    #expect(abs(pipesdfa.time.mean! - 0.55e-3) < 1e-15)
    #expect(abs(try #require(hardware[0].timeRatio()) - 4) < 1e-9)
    #expect(abs(try #require(hardware[0].energyRatio()) - 5.0 / 3) < 1e-9)
    #expect(abs(pipesdfa.energyByComponent["ADC"]! - 1.1e-3) < 1e-15)
  }

  @Test func provenanceSummarisesRecords() {
    var records = Fixtures.small
    records[0].provenance.data = .real
    records[1].provenance.date = "2026-11-30"
    let p = ProvenanceSummary(records: records)
    #expect(p.data == [.real, .synthetic])
    #expect(p.seeds == ["0", "1", "2"])
    #expect(p.line == "Data: real and synthetic. Spec quick (sha256 0123456789ab). Seeds 0–2 (3). sdfa 0.1.0. Runs 2026-11-29 to 2026-11-30.")
  }

  @Test func recordsRoundTripThroughJSONIncludingNaN() throws {
    let records = Fixtures.small
    let data = try RunRecord.makeJSONEncoder().encode(records)
    let decoded = try RunRecord.makeJSONDecoder().decode([RunRecord].self, from: data)
    // NaN != NaN, so compare the re-encoded bytes.
    #expect(try RunRecord.makeJSONEncoder().encode(decoded) == data)
    #expect(decoded[8].finalTestAccuracy.isNaN && decoded[0] == records[0])
  }
}

@Suite struct SpikeRateTests {
  static var records: [RunRecord] {
    var records = Fixtures.small.filter { $0.value(of: "dataset") == "nmnist" }
    for i in records.indices {
      let seed = Double(records[i].value(of: "seed")!)!
      records[i].spikeRates = ["layer10": 0.1 + 0.01 * seed, "layer2": 0.2]
    }
    return records
  }

  @Test func summarisedPerLayer() throws {
    let group = Report.aggregate(Self.records)[0]
    let rate = try #require(group.spikeRates["layer10"])
    #expect(rate.n == 3 && abs(rate.mean! - 0.11) < 1e-12 && abs(rate.std! - 0.01) < 1e-12)
    #expect(group.spikeRates["layer2"]?.std == 0)
  }

  @Test func tableInNaturalLayerOrder() {
    let table = Table.spikeRates(Report.aggregate(Self.records), provenance: ProvenanceSummary(records: Self.records))
    let md = table.markdown()
    #expect(md.contains("| N-MNIST | 10 | LIF | MLP | 2 FC | BP | layer2 | 0.2000 ± 0.0000 |"))
    #expect(md.contains("| N-MNIST | 10 | LIF | MLP | 2 FC | SDFA | layer10 | 0.1100 ± 0.0100 |"))
    #expect(table.rows.map { row in if case .text(let s) = row[6] { s } else { "" } } == ["layer2", "layer10", "layer2", "layer10"])
    #expect(Report.document(Self.records, title: "t").tables.map(\.identifier) == ["accuracy", "accuracy-final", "spike-rates", "hardware"])
  }
}
