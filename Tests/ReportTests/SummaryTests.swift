import Testing
@testable import Report

@Suite struct SummaryTests {
  @Test func meanAndSampleStandardDeviation() throws {
    let s = Summary([2, 4, 4, 4, 5, 5, 7, 9])
    #expect(s.n == 8 && s.nonFinite == 0)
    #expect(s.mean == 5)
    // Σ(x − 5)² = 32; 32 / 7 with the n − 1 divisor.
    #expect(abs(try #require(s.std) - (32.0 / 7).squareRoot()) < 1e-12)
  }

  @Test func oneValueHasNoStandardDeviation() {
    let s = Summary([0.7])
    #expect(s.n == 1 && s.mean == 0.7 && s.std == nil)
  }

  @Test func nonFiniteValuesAreCountedAndExcluded() throws {
    let s = Summary([0.5, .nan, 0.7, .infinity])
    #expect(s.n == 2 && s.nonFinite == 2)
    #expect(abs(try #require(s.mean) - 0.6) < 1e-12)
    #expect(abs(try #require(s.std) - 0.02.squareRoot()) < 1e-12)
  }

  @Test func noFiniteValuesHaveNoMean() {
    let s = Summary([Double.nan])
    #expect(s.n == 0 && s.nonFinite == 1 && s.mean == nil && s.std == nil)
    #expect(Summary([Double]()).mean == nil)
  }

  @Test func smallSpreadNearOneKeepsItsDigits() throws {
    // The one-pass formula would lose these to cancellation.
    let s = Summary([0.9999999, 1.0000001])
    #expect(abs(try #require(s.std) - 0.0000002 / 2.0.squareRoot()) < 1e-15)
  }

  @Test func equalValuesGiveExactlyZeroSpread() {
    let s = Summary([0.2, 0.2, 0.2])
    #expect(s.mean == 0.2 && s.std == 0)
  }

  @Test func scalingToPercent() {
    let s = Summary([0.9, 0.92, 0.94]).scaled(by: 100)
    #expect(abs(s.mean! - 92) < 1e-9 && abs(s.std! - 2) < 1e-9 && s.n == 3)
  }

  @Test(arguments: [
    (0.0, 2, "0.00"), (-0.004, 2, "0.00"), (97.915, 1, "97.9"), (1.005, 0, "1"), (-2.5, 0, "-3"),
    (123.456, 2, "123.46"), (0.05, 1, "0.1"),
  ])
  func fixedDecimals(value: Double, digits: Int, expected: String) {
    #expect(NumberText.fixed(value, digits) == expected)
  }

  @Test func compactDropsBinaryNoise() {
    #expect(NumberText.compact(1.9999999999999962) == "2")
    #expect(NumberText.compact(-0.6000000000000005) == "-0.6")
    #expect(NumberText.compact(0.000123) == "0.000123")
    #expect(NumberText.compact(98.52) == "98.52")
  }

  @Test func naturalOrder() {
    #expect(["layer10", "layer2", "layer1", "ADC"].sorted(by: naturalLess) == ["ADC", "layer1", "layer2", "layer10"])
    #expect(["10", "9", "0"].sorted(by: naturalLess) == ["0", "9", "10"])
  }
}
