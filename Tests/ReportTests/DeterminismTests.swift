import Foundation
import Testing
@testable import Report

@Suite struct DeterminismTests {
  /// Every file of the standard report, rendered twice, and once more from the records in
  /// another order (as runs finish in any order): byte-identical.
  @Test func sameInputGivesIdenticalBytes() {
    let a = Report.document(Fixtures.small, title: "quick", specText: "name: quick\n").files()
    let b = Report.document(Fixtures.small, title: "quick", specText: "name: quick\n").files()
    let shuffled = Fixtures.small.enumerated().sorted { ($0.offset * 7) % 9 < ($1.offset * 7) % 9 }.map(\.element)
    let c = Report.document(shuffled, title: "quick", specText: "name: quick\n").files()
    #expect(a.map(\.path) == b.map(\.path))
    #expect(a.map(\.contents) == b.map(\.contents))
    // Group order follows first appearance; within the accuracy table rows may move, so
    // compare the per-workload files and the hardware table, which have one workload each.
    let stable = { (files: [(path: String, contents: String)]) in
      files.filter { $0.path.hasPrefix("figures/curves-") || $0.path.hasPrefix("tables/hardware") }.map(\.contents)
    }
    #expect(stable(a) == stable(c))
  }

  @Test func documentListsEveryArtifact() {
    let paths = Report.document(Fixtures.small, title: "quick").files().map(\.path)
    #expect(paths == [
      "figures/accuracy-bars.svg", "figures/breakdown-energy-component.svg", "figures/breakdown-time-component.svg",
      "figures/curves-dataset-nmnist.svg", "figures/curves-dataset-shd.svg",
      "figures/hardware-ratios.svg", "report.html",
      "tables/accuracy-final.csv", "tables/accuracy-final.json", "tables/accuracy-final.md", "tables/accuracy-final.tex",
      "tables/accuracy.csv", "tables/accuracy.json", "tables/accuracy.md", "tables/accuracy.tex",
      "tables/hardware.csv", "tables/hardware.json", "tables/hardware.md", "tables/hardware.tex",
    ])
  }

  @Test func htmlReportIsSelfContained() throws {
    let document = Report.document(Fixtures.small, title: "quick <spec>", specText: "name: quick\nnote: a < b\n")
    let html = document.html.render()
    #expect(html.hasPrefix("<!DOCTYPE html>"))
    #expect(html.contains("<title>quick &lt;spec&gt;</title>"))
    #expect(html.components(separatedBy: "<svg ").count - 1 == document.figures.count)
    #expect(html.components(separatedBy: "<table>").count - 1 == document.tables.count)
    #expect(!html.contains("<?xml"))
    #expect(!html.contains("<script") && !html.contains("http://") == false)  // only the SVG namespace URI
    #expect(!html.contains("src=") && !html.contains("<link"))
    #expect(html.contains("note: a &lt; b"))
    #expect(html.contains("Data: synthetic. Spec quick"))
    // Each inline SVG is still well-formed XML.
    for figure in document.figures { _ = try SVGCensus.of(figure.inlineSVG) }
  }
}

/// The HTML report in headless Chromium, where it is installed (Debian `chromium`): it loads
/// without console messages and its screenshot is not blank.
@Suite struct HTMLRenderingTests {
  @Test func rendersInHeadlessChromium() throws {
    guard let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first(where: FileManager.default.isExecutableFile)
    else {
      print("HTMLRenderingTests: chromium not installed (Debian chromium); the HTML report was not rendered")
      return
    }
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("report-html-\(getpid())")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let page = dir.appendingPathComponent("report.html"), shot = dir.appendingPathComponent("shot.png")
    try Report.document(Fixtures.small, title: "quick", specText: "name: quick\n").html.render()
      .write(to: page, atomically: true, encoding: .utf8)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: chromium)
    process.arguments = [
      "--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--v=0",
      "--window-size=1200,1600", "--screenshot=\(shot.path)", page.absoluteString,
    ]
    let errors = Pipe()
    process.standardError = errors
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    let log = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)
    let console = log.split(separator: "\n").filter { $0.contains("CONSOLE") }
    #expect(console.isEmpty, "\(console)")
    // A blank 1200×1600 PNG compresses to a few kilobytes; tables and figures do not.
    let size = try FileManager.default.attributesOfItem(atPath: shot.path)[.size] as? Int ?? 0
    #expect(size > 40_000)
  }
}
