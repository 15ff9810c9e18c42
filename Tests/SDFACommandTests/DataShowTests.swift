import Foundation
import Pipeline
import Stages
import Testing

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// `sdfa data show` on frames cached by a small synthetic run.
@Suite(.serialized) struct DataShowTests {
  /// A spec with only `load` and `bin` (and the report over them), run in-process into a
  /// cache beside it.
  static func cachedSpec(_ body: String, in scratch: Scratch, name: String = "spec.yml") throws {
    let path = scratch.url.appendingPathComponent(name).path
    try body.write(toFile: path, atomically: true, encoding: .utf8)
    let spec = try Spec.load(path, registry: Stages.registry)
    let runner = try Runner(cache: scratch.url.appendingPathComponent(".sdfa"), registry: Stages.registry)
    let summary = runner.run(StageGraph(spec: spec, registry: Stages.registry), options: RunOptions(jobs: 1))
    for i in summary.labels.indices where ["load", "bin"].contains(summary.kinds[i]) {
      #expect(summary.outcomes[i].digest != nil, "\(summary.labels[i]): \(summary.failures)")
    }
  }

  static let camera = """
    name: glyphs
    dataset: {kind: synthetic, like: nmnist, train: 12, test: 6, events_per_sample: 300}
    frames: {T: 6, split_by: number}
    """

  static let channels = """
    name: cochlea
    dataset: {kind: synthetic, like: shd, train: 8, test: 4, events_per_sample: 400}
    frames: {T: 20, split_by: number}
    """

  /// What an XML parse of the SVG found: element names with their counts, `g` ids, texts.
  final class SVGSummary: NSObject, XMLParserDelegate {
    var elements: [String: Int] = [:]
    var groupIDs: [String] = []
    var texts: [String] = []
    var rootName: String?
    private var text = ""

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
      if rootName == nil { rootName = name }
      elements[name, default: 0] += 1
      if name == "g", let id = attributes["id"] { groupIDs.append(id) }
      text = ""
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
      if name == "text" || name == "title" { texts.append(text) }
    }

    static func parse(_ data: Data) -> (SVGSummary, Bool, String) {
      let summary = SVGSummary()
      let parser = XMLParser(data: data)
      parser.delegate = summary
      let ok = parser.parse()
      return (summary, ok, parser.parserError.map { "\($0)" } ?? "")
    }
  }

  @Test func aCameraSampleIsOnePanelPerTimeStepInValidDeterministicSVG() throws {
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    try Self.cachedSpec(Self.camera, in: scratch)
    let result = try SDFAProcess.run(["data", "show", "spec.yml", "3", "--out", "s3.svg"], in: scratch.url)
    #expect(result.status == 0, "\(result.err)")
    #expect(result.out.hasPrefix("wrote s3.svg: train sample 3, class '"))
    let svg = try Data(contentsOf: scratch.url.appendingPathComponent("s3.svg"))
    let (summary, ok, error) = SVGSummary.parse(svg)
    #expect(ok, "\(error)")
    #expect(summary.rootName == "svg")
    #expect(summary.groupIDs == (0..<6).map { "t\($0)" })
    #expect((summary.elements["rect"] ?? 0) > 6 * 10)
    // The title names the class, the spec and the frames.
    let title = try #require(summary.texts.first)
    #expect(title.contains("synthetic-nmnist train sample 3: class '") && title.contains("(label "))
    #expect(summary.texts.contains { $0.hasPrefix("spec glyphs · T = 6, split_by number · frames ") })
    #expect(summary.texts.contains("ON (p = 1)") && summary.texts.contains("OFF (p = 0)"))
    // Same bytes again, and on standard output without --out.
    let again = try SDFAProcess.run(["data", "show", "spec.yml", "3"], in: scratch.url)
    #expect(again.status == 0)
    #expect(again.outBytes == svg)
    // Another sample draws differently.
    let other = try SDFAProcess.run(["data", "show", "spec.yml", "2", "--split", "test"], in: scratch.url)
    #expect(other.status == 0 && other.outBytes != svg)
    #expect(String(decoding: other.outBytes, as: UTF8.self).contains("test sample 2: class"))
  }

  @Test func channelDataIsOneHeatMap() throws {
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    try Self.cachedSpec(Self.channels, in: scratch)
    let result = try SDFAProcess.run(["data", "show", "spec.yml", "0"], in: scratch.url)
    #expect(result.status == 0, "\(result.err)")
    let (summary, ok, error) = SVGSummary.parse(result.outBytes)
    #expect(ok, "\(error)")
    #expect(summary.groupIDs == ["cells"])
    #expect(summary.texts.contains("time step") && summary.texts.contains("channel"))
    #expect(summary.texts.contains("699"))
    #expect(summary.texts.first?.contains("synthetic-shd train sample 0: class '") == true)
  }

  @Test func aSweepPicksItsBinStageByPoint() throws {
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    try Self.cachedSpec(Self.camera + "\nsweep: {frames.T: [4, 8]}\n", in: scratch)
    let four = try SDFAProcess.run(["data", "show", "spec.yml", "0", "--point", "T=4"], in: scratch.url)
    #expect(four.status == 0, "\(four.err)")
    let drawn = SVGSummary.parse(four.outBytes).0
    #expect(drawn.groupIDs.count == 4)
    #expect(drawn.texts.contains { $0.hasPrefix("spec glyphs, point T=4 · T = 4, split_by number · frames ") })
    let eight = try SDFAProcess.run(["data", "show", "spec.yml", "0", "--point", "T=8"], in: scratch.url)
    #expect(SVGSummary.parse(eight.outBytes).0.groupIDs.count == 8)
    let first = try SDFAProcess.run(["data", "show", "spec.yml", "0"], in: scratch.url)
    #expect(first.err.contains("2 bin stages; showing"))
    let none = try SDFAProcess.run(["data", "show", "spec.yml", "0", "--point", "T=5"], in: scratch.url)
    #expect(none.status == 2 && none.err.contains("no bin stage of spec.yml matches 'T=5'"))
  }

  @Test func framesNotComputedYetSayRunFirst() throws {
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    try Self.camera.write(to: scratch.url.appendingPathComponent("spec.yml"), atomically: true, encoding: .utf8)
    let result = try SDFAProcess.run(["data", "show", "spec.yml", "0"], in: scratch.url)
    #expect(result.status == 1)
    #expect(result.err.contains("are not computed yet: run `sdfa run spec.yml` first"), "\(result.err)")
  }

  @Test func aSampleOutsideTheSplitIsRefused() throws {
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    try Self.cachedSpec(Self.camera, in: scratch)
    let result = try SDFAProcess.run(["data", "show", "spec.yml", "6", "--split", "test"], in: scratch.url)
    #expect(result.status == 2)
    #expect(result.err.contains("test has 6 samples (0..<6); there is no sample 6"))
  }

  static let hasRSVG = FileManager.default.isExecutableFile(atPath: "/usr/bin/rsvg-convert")

  @Test(.enabled(if: hasRSVG, "rsvg-convert is not installed: PNG output skipped"))
  func pngThroughRSVG() throws {
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    try Self.cachedSpec(Self.camera, in: scratch)
    let result = try SDFAProcess.run(["data", "show", "spec.yml", "1", "--out", "s1.png"], in: scratch.url)
    #expect(result.status == 0, "\(result.err)")
    let png = try Data(contentsOf: scratch.url.appendingPathComponent("s1.png"))
    #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
  }
}
