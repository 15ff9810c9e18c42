import Foundation
import Testing
@testable import Report

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// Parses an SVG with Foundation's XMLParser and counts elements by their `class`.
final class SVGCensus: NSObject, XMLParserDelegate {
  var classes: [String: Int] = [:]
  var elements: [String: Int] = [:]
  var texts: [String] = []
  private var inText = false

  static func of(_ svg: String) throws -> SVGCensus {
    let census = SVGCensus()
    let parser = XMLParser(data: Data(svg.utf8))
    parser.delegate = census
    guard parser.parse() else {
      throw ParseError(message: parser.parserError.map { "\($0)" } ?? "unknown", line: parser.lineNumber)
    }
    return census
  }

  struct ParseError: Error { var message: String; var line: Int }

  func parser(
    _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
    attributes: [String: String] = [:]
  ) {
    elements[name, default: 0] += 1
    if let c = attributes["class"] { classes[c, default: 0] += 1 }
    if name == "text" { inText = true; texts.append("") }
  }

  func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
    if name == "text" { inText = false }
  }

  func parser(_ parser: XMLParser, foundCharacters string: String) {
    if inText { texts[texts.count - 1] += string }
  }
}

@Suite struct FigureTests {
  let comparisons = Report.compareMethods(Report.aggregate(Fixtures.small))
  let hardware = Report.summarizeHardware(Fixtures.small)
  let provenance = ProvenanceSummary(records: Fixtures.small)

  @Test func learningCurvesHaveOneSeriesPerMethodWithBands() throws {
    let figure = Figure.learningCurves(comparisons[0], provenance: provenance)
    let census = try SVGCensus.of(figure.svg)
    #expect(census.classes["series"] == 2 && census.classes["mean"] == 2 && census.classes["band"] == 2)
    #expect(census.elements["svg"] == 1 && census.elements["title"] == 1)
    #expect(census.texts.contains("BP (n=3)") && census.texts.contains("SDFA (n=3)"))
    #expect(census.texts.contains("Epoch") && census.texts.contains("Test accuracy (%)"))
    // Tick labels on both axes: epochs 1–3 and a percent grid.
    #expect(["1", "2", "3"].allSatisfy(census.texts.contains))
    #expect((census.classes["tick-label"] ?? 0) >= 6)
    // Title and provenance are the caption's, not drawn into the graphic.
    #expect(!census.texts.contains { $0.hasPrefix("Data: synthetic") } && figure.caption.contains("Data: synthetic"))
  }

  @Test func flatCoincidentCurvesStayReadable() throws {
    // Both methods stuck at chance (10 %) with no spread: the axis keeps a 10-point span instead
    // of zooming into nothing, and the second line is dashed so that both remain visible.
    let flat = (1...3).map { CurvePoint(epoch: $0, summary: Summary(n: 3, mean: 0.1, std: 0)) }
    let figure = Figure.learningCurves(
      series: [CurveSeries(label: "BP (n=3)", points: flat), CurveSeries(label: "SDFA (n=3)", points: flat)],
      title: "Test accuracy, stuck", metric: .testAccuracy, identifier: "stuck")
    let census = try SVGCensus.of(figure.svg)
    let ticks = census.texts.compactMap(Double.init).filter { $0 != 1 && $0 != 2 && $0 != 3 }
    #expect((ticks.max() ?? 0) - (ticks.min() ?? 0) >= 10, "\(ticks)")
    #expect(figure.svg.components(separatedBy: "stroke-dasharray").count - 1 == 1)
  }

  @Test func singleSeedCurveHasNoBand() throws {
    let records = Fixtures.small.filter { $0.value(of: "dataset") == "shd" && $0.value(of: "method") == "bp" }
    let comparison = Report.compareMethods(Report.aggregate(records))[0]
    let census = try SVGCensus.of(Figure.learningCurves(comparison).svg)
    #expect(census.classes["series"] == 1 && census.classes["band"] == nil && census.classes["mean"] == 1)
  }

  @Test func accuracyBarsHaveABarAndErrorBarPerMeasuredGroup() throws {
    let census = try SVGCensus.of(Figure.accuracyBars(comparisons, provenance: provenance).svg)
    #expect(census.classes["series"] == 2)
    #expect(census.classes["bar"] == 4)
    // SHD BP ran one seed: no error bar there.
    #expect(census.classes["error-bar"] == 3)
    // Groups are labelled by their coordinates.
    #expect(census.texts.contains("dataset = nmnist") && census.texts.contains("dataset = shd"))
    #expect(census.texts.contains("paper"))
    #expect(["0", "20", "40", "60", "80", "100"].allSatisfy(census.texts.contains))
  }

  @Test func breakdownStacksEveryComponentForBothAccelerators() throws {
    let census = try SVGCensus.of(Figure.breakdown(hardware, quantity: .energy, provenance: provenance).svg)
    // ADC, cell programming, crossbar read, feedback array, other.
    #expect(census.classes["series"] == 5)
    // PipeLayer: ADC, cell programming, crossbar read, other; PipeSDFA: ADC, crossbar read, feedback array, other.
    #expect(census.classes["bar"] == 8)
    #expect(census.texts.contains("PipeLayer") && census.texts.contains("PipeSDFA"))
    #expect(census.texts.contains("100.0%"))
  }

  @Test func breakdownInSIUnits() throws {
    let census = try SVGCensus.of(Figure.breakdown(hardware, quantity: .energy, normalizeToBaseline: false).svg)
    #expect(census.texts.contains("Energy (mJ)"))
    #expect(census.texts.contains("5.50") && census.texts.contains("3.30"))
  }

  @Test func ratiosShowBothQuantitiesAndThePaperRanges() throws {
    let census = try SVGCensus.of(Figure.ratios(hardware, provenance: provenance).svg)
    #expect(census.classes["series"] == 2 && census.classes["bar"] == 2 && census.classes["parity"] == 1)
    #expect(census.texts.contains("paper, time: 1.1–10.5×"))
  }

  @Test func textIsEscaped() throws {
    let group = Report.aggregate(Fixtures.small)[0]
    let figure = Figure.learningCurves(
      series: [CurveSeries(label: "A<B & \"C\"", points: group.testAccuracyCurve)], title: "T<1> & \"x\"", metric: .testAccuracy,
      identifier: "odd")
    let census = try SVGCensus.of(figure.svg)
    #expect(census.texts.contains { $0.contains("A<B & \"C\"") })
    #expect(figure.svg.contains("<title>T&lt;1&gt; &amp; &quot;x&quot;</title>"))
  }

  @Test func emptyInputsStillGiveValidDocuments() throws {
    for svg in [
      Figure.accuracyBars([]).svg, Figure.breakdown([]).svg, Figure.ratios([]).svg,
      Figure.learningCurves(series: [], title: "none", metric: .testLoss, identifier: "none").svg,
    ] {
      #expect(try SVGCensus.of(svg).elements["svg"] == 1)
    }
  }

  @Test func niceAxisTicks() {
    let axis = Axis(min: 67.3, max: 94.1)
    #expect(axis.lower == 65 && axis.upper == 95 && axis.step == 5)
    #expect(axis.ticks.map(axis.label) == ["65", "70", "75", "80", "85", "90", "95"])
    let small = Axis(min: 0, max: 0.0042)
    #expect(small.ticks.map(small.label).last == "0.005")
  }
}
