import Foundation
import Pipeline
import Stages
import Testing

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// A user's own sweep (tau × method, 3 seeds) reported by its axes: a `tau` column in every
/// table, an accuracy-versus-tau figure, and one row per run.
@Suite(.serialized) struct ReportSweepTests {
  static let spec = """
    name: tau-sweep
    seeds: 3
    dataset: {kind: synthetic, like: nmnist, train: 48, test: 24, events_per_sample: 300}
    frames: {T: 3, split_by: number}
    model: {arch: mlp, hidden: [16], neuron: {type: lif, tau: 2.0}}
    train: {method: sdfa, epochs: 1, batch_size: 24, optimizer: {type: adam, lr: 1.0e-2}}
    hardware: {technology: rram-32nm}
    sweep:
      model.neuron.tau: [2.0, 4.0]
      train.method: [bp, sdfa]
    """

  /// The report artifact of one run of `spec` (with extra lines appended), in a fresh cache.
  static func report(_ extra: String = "") throws -> (dir: URL, report: URL) {
    let dir = try StagesTests.scratch()
    let path = try StagesTests.write(spec + extra, in: dir)
    let summary = try StagesTests.run(path, cache: dir.appendingPathComponent(".sdfa"))
    #expect(summary.succeeded, "\(summary.failures)")
    return (dir, try #require(StagesTests.artifact(summary, "report", cache: dir.appendingPathComponent(".sdfa"))))
  }

  /// Runs python3 with `script` and the report folder as argv[1]; nil where python3 is absent.
  static func python(_ script: String, _ argument: String) throws -> (status: Int32, out: String)? {
    guard let python = ["/usr/bin/python3", "/usr/local/bin/python3"].first(where: FileManager.default.isExecutableFile) else { return nil }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: python)
    process.arguments = ["-c", script, argument]
    let out = Pipe()
    process.standardOutput = out
    process.standardError = out
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
  }

  @Test func everySweptAxisIsAColumnAndTauGetsItsOwnFigure() throws {
    let (dir, report) = try Self.report()
    defer { try? FileManager.default.removeItem(at: dir) }
    func text(_ name: String) throws -> String { try String(contentsOf: report.appendingPathComponent(name), encoding: .utf8) }

    // Python's csv module reads the aggregated table: a tau column with both values, BP and
    // SDFA side by side, 3 seeds each; runs.csv has one row per run (2 taus × 2 methods × 3 seeds).
    let check = """
      import csv, sys, os
      d = sys.argv[1]
      with open(os.path.join(d, 'tables/accuracy.csv'), newline='') as f:
          rows = list(csv.DictReader(line for line in f if not line.startswith('#')))
      assert [r['tau'] for r in rows] == ['2', '4'], rows
      assert all(r['bp_n'] == '3' and r['sdfa_n'] == '3' and r['delta'] != '' for r in rows), rows
      assert 'dataset' not in rows[0] and 'method' not in rows[0], rows[0].keys()
      with open(os.path.join(d, 'runs.csv'), newline='') as f:
          runs = list(csv.DictReader(f))
      assert len(runs) == 12, len(runs)
      assert sorted({(r['tau'], r['method']) for r in runs}) == [('2', 'bp'), ('2', 'sdfa'), ('4', 'bp'), ('4', 'sdfa')]
      assert sorted({r['seed'] for r in runs}) == ['0', '1', '2']
      assert all(0 <= float(r['best_test_accuracy']) <= 1 and float(r['energy_pipesdfa_J']) > 0 for r in runs)
      assert all(r['point'] == 'tau=%s/method=%s/seed=%s' % (r['tau'], r['method'], r['seed']) for r in runs)
      try:
          import pandas
      except ImportError:
          print('pandas not installed: checked with the csv module only')
      else:
          frame = pandas.read_csv(os.path.join(d, 'tables/accuracy.csv'), comment='#')
          assert sorted(frame['tau'].tolist()) == [2.0, 4.0], frame
          assert len(pandas.read_csv(os.path.join(d, 'runs.csv'))) == 12
          print('pandas', pandas.__version__, 'agrees')
      """
    if let result = try Self.python(check, report.path) {
      #expect(result.status == 0, "\(result.out)")
      if !result.out.isEmpty { print("ReportSweepTests: \(result.out)") }
    } else {
      print("ReportSweepTests: python3 not installed; the CSV was not read by Python's csv module")
    }

    let markdown = try text("tables/accuracy.md")
    #expect(markdown.contains("| tau | BP (%) | SDFA (%) | Δ (pp) |"), "\(markdown)")
    #expect(markdown.contains("\n| 2 | ") && markdown.contains("\n| 4 | "), "\(markdown)")
    #expect(markdown.contains("Fixed across runs: N-MNIST (synthetic), 10 classes, LIF neurons, MLP, 2 FC."), "\(markdown)")
    let latex = try text("tables/accuracy.tex")
    #expect(latex.contains("tau & ") && latex.contains("\n    2 & $") && latex.contains("\n    4 & $"), "\(latex)")
    #expect(latex.contains("\\label{tab:tau-sweep-accuracy}") && latex.hasPrefix("% Needs \\usepackage{booktabs}"))
    let json = try JSONSerialization.jsonObject(with: Data(contentsOf: report.appendingPathComponent("tables/accuracy.json"))) as! [String: Any]
    #expect((json["rows"] as! [[String: Any]]).map { $0["tau"] as? String } == ["2", "4"])
    let spikes = try text("tables/spike-rates.csv")
    #expect(spikes.contains("tau,layer,spike_rate_bp_mean"), "\(spikes)")
    let hardware = try text("tables/hardware.md")
    #expect(hardware.contains("| tau | Time PipeLayer"), "\(hardware)")

    // Figures: accuracy against tau (valid XML, one series per method), curves named by tau.
    let figures = try FileManager.default.contentsOfDirectory(atPath: report.appendingPathComponent("figures").path)
    let svgs = Set(figures.filter { $0.hasSuffix(".svg") })
    #expect(svgs == ["accuracy-vs-tau.svg", "curves-tau-2.svg", "curves-tau-4.svg", "breakdown-energy-component.svg",
                     "breakdown-time-component.svg", "hardware-ratios.svg"], "\(svgs)")
    let svg = try Data(contentsOf: report.appendingPathComponent("figures/accuracy-vs-tau.svg"))
    let parser = XMLParser(data: svg)
    #expect(parser.parse(), "accuracy-vs-tau.svg is not well-formed XML: \(String(describing: parser.parserError))")
    let figure = String(decoding: svg, as: UTF8.self)
    #expect(figure.contains("data-label=\"BP\"") && figure.contains("data-label=\"SDFA\"") && figure.contains(">tau</text>"))
    #expect(!figure.contains("Data: synthetic"), "provenance goes to the caption, not the graphic")
    let breakdown = try text("figures/breakdown-energy-component.svg")
    #expect(!breakdown.contains("_read<") && !breakdown.contains(">feedback_"), "legends use readable names")

    let hasRenderer = ((ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":"))
      .contains { FileManager.default.isExecutableFile(atPath: "\($0)/rsvg-convert") }
    let summary = try text("report.md")
    if hasRenderer {
      for name in svgs {
        let stem = String(name.dropLast(4))
        let pdf = try Data(contentsOf: report.appendingPathComponent("figures/\(stem).pdf"))
        #expect(pdf.starts(with: Array("%PDF-".utf8)), "\(stem).pdf")
        let png = try Data(contentsOf: report.appendingPathComponent("figures/\(stem).png"))
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]), "\(stem).png")
      }
      #expect(summary.contains("rendered by rsvg-convert"), "\(summary)")
    } else {
      print("ReportSweepTests: rsvg-convert not installed (Debian librsvg2-bin); PDF and PNG figures not checked")
      #expect(summary.contains("rsvg-convert (Debian package librsvg2-bin) was not found"))
    }
    // report.md: the aggregated table, and energy and time in mJ and ms.
    #expect(summary.contains("| tau | BP (%)") && summary.contains("pipesdfa epoch energy (mJ)") && summary.contains("pipelayer epoch time (ms)"))
    let html = try text("report.html")
    #expect(html.contains("id=\"runs\"") && html.contains("href=\"tables/accuracy.tex\"") && html.contains("id=\"spec\""))
    #expect(html.contains("model.neuron.tau: [2, 4]"), "the HTML shows the spec with its sweep")
  }

  @Test func sweepLabelsNameTheColumnAndThePivotCanBeAnyAxis() throws {
    let (dir, report) = try Self.report("\nsweep_labels: {model.neuron.tau: tau_m}\nreport: {pivot: model.neuron.tau}\n")
    defer { try? FileManager.default.removeItem(at: dir) }
    let markdown = try String(contentsOf: report.appendingPathComponent("tables/accuracy.md"), encoding: .utf8)
    // Pivot tau: methods become rows, tau values side by side, Δ = tau 4 − tau 2.
    #expect(markdown.contains("| method | tau\\_m=2 (%) | tau\\_m=4 (%) | Δ (pp) |"), "\(markdown)")
    #expect(markdown.contains("\n| bp | ") && markdown.contains("\n| sdfa | "), "\(markdown)")
    let runs = try String(contentsOf: report.appendingPathComponent("runs.csv"), encoding: .utf8)
    #expect(runs.hasPrefix("spec,spec_digest,point,tau_m,method,seed,"), "\(runs.prefix(200))")
    #expect(runs.contains(",tau_m=2/method=bp/seed=0,"))
  }
}
