import Foundation
import Testing

/// What a paper author does with the reports: `\input` the LaTeX tables into a two-column
/// article, open the HTML page, and rerun on another day expecting the same bytes.
@Suite(.serialized) struct PaperOutputTests {
  /// The quickstart and the Braille paper spec, reduced to seconds on synthetic data.
  static let quickstart = ["experiments/quickstart.yml", "--seeds", "2", "--set", "dataset.train=64", "--set", "dataset.test=32",
                           "--set", "train.epochs=1", "--set", "frames.T=4", "--set", "model.hidden=[16]"]
  static let braille = ["experiments/paper/braille-mlp.yml", "--seeds", "2", "--set", "dataset.kind=synthetic",
                        "--set", "dataset.like=braille", "--set", "dataset.train=56", "--set", "dataset.test=28",
                        "--set", "train.epochs=1"]

  /// A scratch copy of `experiments/` (specs find their technology files beside them).
  static func scratch() throws -> Scratch {
    let scratch = try Scratch()
    try FileManager.default.copyItem(at: SDFAProcess.packageRoot.appendingPathComponent("experiments"),
                                     to: scratch.url.appendingPathComponent("experiments"))
    return scratch
  }

  static func tool(_ name: String) -> String? {
    ["/usr/bin", "/usr/local/bin", "/bin"].map { "\($0)/\(name)" }.first(where: FileManager.default.isExecutableFile)
  }

  /// `sdfa ARGS`, under `faketime` starting at `day` where faketime is installed.
  static func sdfa(_ arguments: [String], in scratch: Scratch, day: String? = nil) throws -> SDFAProcess.Result {
    guard let day, let faketime = tool("faketime") else { return try SDFAProcess.run(arguments, in: scratch.url) }
    return try SDFAProcess.run(arguments, in: scratch.url, wrapper: [faketime, "-f", "@\(day) 12:00:00"])
  }

  /// Every file under `folder`, relative path → bytes.
  static func files(_ folder: URL) -> [String: Data] {
    var out: [String: Data] = [:]
    for relative in FileManager.default.subpaths(atPath: folder.path) ?? [] {
      var isFolder: ObjCBool = false
      let url = folder.appendingPathComponent(relative)
      if FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), !isFolder.boolValue {
        out[relative] = try? Data(contentsOf: url)
      }
    }
    return out
  }

  @Test func twoRunsOnDifferentDaysGiveByteIdenticalReports() throws {
    let scratch = try Self.scratch()
    defer { scratch.cleanup() }
    if Self.tool("faketime") == nil { print("PaperOutputTests: faketime not installed (Debian faketime); both runs use the real clock") }
    for (cache, day) in [("c1", "2020-01-01"), ("c2", "2031-07-15")] {
      let run = try Self.sdfa(["run"] + Self.quickstart + ["--cache", cache, "-q"], in: scratch, day: day)
      #expect(run.status == 0, "\(run.err)")
      let tables = try Self.sdfa(["tables"] + Self.quickstart + ["--cache", cache, "-o", "out-\(cache)"], in: scratch, day: day)
      #expect(tables.status == 0, "\(tables.err)")
      if Self.tool("faketime") != nil {
        // The clock was faked inside sdfa: the collection's README (not an artifact) is dated.
        let readme = try String(contentsOf: scratch.url.appendingPathComponent("out-\(cache)/README.md"), encoding: .utf8)
        #expect(readme.contains(" on \(day) "), "\(readme.prefix(300))")
      }
    }
    let first = Self.files(scratch.url.appendingPathComponent("out-c1/quickstart"))
    let second = Self.files(scratch.url.appendingPathComponent("out-c2/quickstart"))
    #expect(first.count > 20 && first.keys.contains("report.html") && first.keys.contains("runs.csv"), "\(first.keys.sorted())")
    #expect(Set(first.keys) == Set(second.keys))
    for (path, bytes) in first.sorted(by: { $0.key < $1.key }) {
      #expect(second[path] == bytes, "\(path) differs between the two days")
    }
    let html = String(decoding: first["report.html"] ?? Data(), as: UTF8.self)
    #expect(!html.contains("2020-01-01") && !html.contains("2031-07-15") && !html.contains("Run 20"))
  }

  @Test func everyLaTeXTableCompilesInATwoColumnArticleWithoutOverfullBoxes() throws {
    let scratch = try Self.scratch()
    defer { scratch.cleanup() }
    for spec in [Self.quickstart, Self.braille] {
      let run = try Self.sdfa(["run"] + spec + ["-q"], in: scratch)
      #expect(run.status == 0, "\(run.err)")
      let tables = try Self.sdfa(["tables"] + spec + ["-o", "results/tables"], in: scratch)
      #expect(tables.status == 0, "\(tables.err)")
    }
    let root = scratch.url.appendingPathComponent("results/tables")
    let paper = try String(contentsOf: root.appendingPathComponent("paper-table.md"), encoding: .utf8)
    // Nine rows of the paper; synthetic Braille fills none, and says so.
    #expect(paper.components(separatedBy: "\n").filter { $0.hasPrefix("| ") }.count == 10, "\(paper)")
    #expect(paper.contains("| synthetic data only |") && paper.contains("| 99.62 | 99.26 |"), "\(paper)")
    var inputs: [String] = []
    for spec in ["quickstart", "braille-mlp"] {
      let folder = root.appendingPathComponent("\(spec)/tables")
      for name in try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() where name.hasSuffix(".tex") {
        inputs.append("\(spec)/tables/\(name)")
      }
    }
    inputs.append("paper-table.tex")
    // Per spec: accuracy (best over epochs), accuracy-final, spike rates, hardware; and the paper table.
    #expect(inputs.count == 9, "\(inputs)")
    for input in inputs {
      let tex = try String(contentsOf: root.appendingPathComponent(input), encoding: .utf8)
      #expect(tex.hasPrefix("% Needs \\usepackage{booktabs}"), "\(input)")
      #expect(!tex.components(separatedBy: "\\caption{")[1].components(separatedBy: "\n")[0].contains("sha256"), "\(input): provenance stays out of the caption")
    }
    guard let pdflatex = Self.tool("pdflatex") else {
      print("PaperOutputTests: pdflatex not installed (Debian texlive-latex-base, texlive-latex-recommended); the tables were not compiled")
      return
    }
    let document = """
      \\documentclass[twocolumn]{article}
      \\usepackage{booktabs}
      \\begin{document}
      Tables of the quickstart and of the Braille paper spec.

      """ + inputs.map { "\\input{\($0)}\n\\clearpage\n" }.joined() + "\\end{document}\n"
    try document.write(to: root.appendingPathComponent("paper.tex"), atomically: true, encoding: .utf8)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: pdflatex)
    process.arguments = ["-interaction=nonstopmode", "-halt-on-error", "paper.tex"]
    process.currentDirectoryURL = root
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    let log = (try? String(contentsOf: root.appendingPathComponent("paper.log"), encoding: .utf8)) ?? ""
    #expect(process.terminationStatus == 0, "pdflatex failed:\n\(log.suffix(3000))")
    #expect(!log.contains("multiply defined"), "duplicate labels:\n\(log)")
    // "Overfull \hbox (12.3pt too wide)": none over 1 pt.
    let overfull = log.components(separatedBy: "\n").filter { $0.hasPrefix("Overfull \\hbox (") }.filter { line in
      let amount = line.dropFirst("Overfull \\hbox (".count).prefix { $0.isNumber || $0 == "." }
      return (Double(amount) ?? 0) > 1
    }
    #expect(overfull.isEmpty, "\(overfull.joined(separator: "\n"))")
    #expect(log.contains("Output written on paper.pdf"))
  }

  @Test func theHTMLReportRendersInHeadlessChromium() throws {
    let scratch = try Self.scratch()
    defer { scratch.cleanup() }
    let run = try Self.sdfa(["run"] + Self.quickstart + ["-q"], in: scratch)
    #expect(run.status == 0, "\(run.err)")
    let tables = try Self.sdfa(["tables"] + Self.quickstart + ["-o", "out"], in: scratch)
    #expect(tables.status == 0, "\(tables.err)")
    let page = scratch.url.appendingPathComponent("out/quickstart/report.html")
    let html = try String(contentsOf: page, encoding: .utf8)
    // The page's classes are its own: an SVG's text never picks up a page style.
    #expect(!html.contains("class=\"provenance\""), "the SVGs and the page share a class name")
    for link in ["tables/accuracy.csv", "tables/accuracy.tex", "runs.csv", "figures/curves.svg"] {
      #expect(html.contains("href=\"\(link)\""), "\(link)")
    }
    #expect(html.contains("id=\"runs\"") && html.contains("id=\"spec\""))
    guard let chromium = Self.tool("chromium") ?? Self.tool("chromium-browser") else {
      print("PaperOutputTests: chromium not installed; the HTML report was not rendered")
      return
    }
    let shot = scratch.url.appendingPathComponent("report.png")
    let process = Process()
    process.executableURL = URL(fileURLWithPath: chromium)
    process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1200,2400",
                         "--screenshot=\(shot.path)", page.absoluteString]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    let png = try Data(contentsOf: shot)
    #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]) && png.count > 20_000, "\(png.count) bytes")
    if let keep = ProcessInfo.processInfo.environment["SDFA_SCREENSHOT_DIR"] {
      try? png.write(to: URL(fileURLWithPath: keep).appendingPathComponent("report.png"))
    }
  }
}
