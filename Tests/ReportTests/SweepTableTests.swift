import Foundation
import Testing
@testable import Report

/// Tables keyed by the sweep, checked against hand-computed values.
@Suite struct SweepTableTests {
  /// tau ∈ {2, 4} × method ∈ {bp, sdfa} × seeds 0–2. Best accuracies (hand-checkable):
  /// tau 2: BP 0.80, 0.82, 0.84 (82.00 ± 2.00), SDFA 0.70, 0.72, 0.74 (72.00 ± 2.00), Δ −10.00;
  /// tau 4: BP 0.60, 0.63, 0.66 (63.00 ± 3.00), SDFA 0.65, 0.65, 0.65 (65.00 ± 0.00), Δ +2.00.
  static let synthetic = Workload(dataset: "N-MNIST (synthetic)", classes: 10, neuron: "LIF", model: "MLP", setup: "2 FC")

  static var records: [RunRecord] {
    let best: [String: [Double]] = ["2/bp": [0.80, 0.82, 0.84], "2/sdfa": [0.70, 0.72, 0.74],
                                    "4/bp": [0.60, 0.63, 0.66], "4/sdfa": [0.65, 0.65, 0.65]]
    var out: [RunRecord] = []
    for tau in ["2", "4"] {
      for method in ["bp", "sdfa"] {
        for (seed, a) in best["\(tau)/\(method)"]!.enumerated() {
          out.append(RunRecord(
            coordinates: [.init("tau", tau), .init("method", method), .init("seed", String(seed))], workload: Self.synthetic,
            epochs: [EpochMetrics(epoch: 1, trainLoss: 0.5, trainAccuracy: a, testLoss: 0.4, testAccuracy: a)],
            spikeRates: ["layer 1": 0.1, "layer 2": 0.2],
            provenance: Provenance(specName: "tau-sweep", specDigest: "abcdef0123456789", data: .synthetic, toolVersion: "0.1.0")))
        }
      }
    }
    return out
  }

  let layout = SweepLayout(records: Self.records, paths: ["tau": "model.neuron.tau", "method": "train.method"])

  @Test func layoutFindsTheRowAxesAndThePivot() {
    #expect(layout.axes.map(\.label) == ["tau", "method"])
    #expect(layout.pivot?.label == "method" && layout.rowAxes.map(\.label) == ["tau"])
    #expect(layout.axes[0].isNumeric && !layout.axes[1].isNumeric)
    let byTau = SweepLayout(records: Self.records, paths: ["tau": "model.neuron.tau"], pivot: "model.neuron.tau")
    #expect(byTau.pivot?.label == "tau" && byTau.rowAxes.map(\.label) == ["method"])
    #expect(byTau.deltaPair?.from == "2" && byTau.deltaPair?.to == "4")
  }

  @Test func accuracyHasATauColumnAndBPBesideSDFA() {
    let table = Table.sweepAccuracy(Report.aggregate(Self.records), layout: layout, provenance: ProvenanceSummary(records: Self.records))
    #expect(table.markdown() == #"""
      **Test accuracy, BP against SDFA**

      | tau | BP (%) | SDFA (%) | Δ (pp) |
      |:--|--:|--:|--:|
      | 2 | 82.00 ± 2.00 | 72.00 ± 2.00 | −10.00 |
      | 4 | 63.00 ± 3.00 | 65.00 ± 0.00 | +2.00 |

      *Fixed across runs: N-MNIST (synthetic), 10 classes, LIF neurons, MLP, 2 FC. Best test accuracy in percent, mean ± sample standard deviation over seeds (no ± where one seed ran). Best = best over epochs, on the test set (the reference's protocol; optimistic). Δ = SDFA − BP in percentage points. Data: synthetic. Spec tau-sweep (sha256 abcdef012345). Seeds 0–2 (3). sdfa 0.1.0.*

      """#)
    let csv = table.csv().components(separatedBy: "\r\n")
    #expect(csv[2] == "tau,bp_mean,bp_std,bp_n,sdfa_mean,sdfa_std,sdfa_n,delta")
    #expect(csv[3] == "2,82,2,3,72,2,3,-10")
    #expect(table.latex().contains("\\label{tab:tau-sweep-accuracy}"))
  }

  @Test func paperWorkloadsGetThePapersNumbersOnARowOfTheirOwn() {
    let records = Fixtures.small.filter { $0.value(of: "dataset") == "nmnist" }
    let table = Table.sweepAccuracy(Report.aggregate(records), layout: SweepLayout(records: records),
                                    provenance: ProvenanceSummary(records: records))
    #expect(table.columns.map(\.key) == ["source", "bp", "sdfa", "delta"])
    #expect(table.rows.map { table.plainText($0[0]) } == ["ours", "paper"])
    #expect(table.rows[1].map(table.plainText) == ["paper", "98.52", "97.92", "−0.60"])
    #expect(table.rows[0].map(table.plainText) == ["ours", "92.00 ± 2.00", "90.00 ± 2.65", "−2.00"])
  }

  @Test func runRowsFlattenEveryRun() {
    let rows = Self.records.map { RunRow(record: $0, pointID: $0.coordinates.map(\.description).joined(separator: "/")) }
    let csv = RunRow.csv(rows).components(separatedBy: "\r\n").filter { !$0.isEmpty }
    #expect(csv.count == 13)
    #expect(csv[0] == "spec,spec_digest,point,tau,method,seed,data,epochs,final_test_accuracy,best_test_accuracy,final_test_loss,best_test_loss,spike_rate_layer_1,spike_rate_layer_2")
    #expect(csv[1] == "tau-sweep,abcdef0123456789,tau=2/method=bp/seed=0,2,bp,0,synthetic,1,0.8,0.8,0.4,0.4,0.1,0.2")
    let lines = RunRow.jsonLines(rows).split(separator: "\n")
    #expect(lines.count == 12)
    let first = try! JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as! [String: Any]
    #expect(first["tau"] as? String == "2" && first["epochs"] as? Int == 1 && first["wall_s"] is NSNull)
  }

  @Test func figuresFollowTheSweep() throws {
    let document = Report.document(Self.records, title: "tau-sweep", layout: layout)
    #expect(document.figures.map(\.identifier) == ["accuracy-vs-tau", "curves-tau-2", "curves-tau-4"])
    let svg = document.figures[0].svg
    #expect(svg.contains("data-label=\"BP\"") && svg.contains("data-label=\"SDFA\"") && !svg.contains("sha256"))
    #expect(document.figures[1].title == "Test accuracy per epoch, tau = 2")
    #expect(document.figures[0].caption.contains("Spec tau-sweep"), "provenance goes into the caption")
    // Categorical: grouped bars labelled by their coordinates.
    let byTau = SweepLayout(records: Self.records, pivot: "tau")
    let bars = Report.document(Self.records, title: "t", layout: byTau).figures.map(\.identifier)
    #expect(bars == ["accuracy-bars", "curves-method-bp", "curves-method-sdfa"])
    let barSVG = Report.document(Self.records, title: "t", layout: byTau).figures[0].svg
    #expect(barSVG.contains(">method = bp</text>") && barSVG.contains("data-label=\"tau=2\""))
  }
}

/// The combined paper table at its widest (every row filled) still fits a two-column page.
@Suite struct PaperTableTests {
  /// Three seeds per method for each of the paper's nine workloads (real data), BP 0.90, 0.91,
  /// 0.92 and SDFA 0.80, 0.85, 0.90: every row reads 91.00 ± 1.00 | 85.00 ± 5.00 | −6.00.
  static var records: [RunRecord] {
    var out: [RunRecord] = []
    for (i, r) in ReferenceAccuracy.paper.enumerated() {
      let workload = Workload(dataset: r.dataset, classes: 10, neuron: "LIF", model: r.model, setup: r.setup)
      for (method, values) in [("bp", [0.90, 0.91, 0.92]), ("sdfa", [0.80, 0.85, 0.90])] {
        for (seed, a) in values.enumerated() {
          out.append(RunRecord(
            coordinates: [.init("workload", String(i)), .init("method", method), .init("seed", String(seed))], workload: workload,
            epochs: [EpochMetrics(epoch: 1, trainLoss: 0.1, trainAccuracy: a, testLoss: 0.1, testAccuracy: a)],
            provenance: Provenance(specName: "paper-\(i)", specDigest: "00", data: .real, toolVersion: "0.1.0")))
        }
      }
    }
    return out
  }

  @Test func everyRowFilledFitsATwoColumnPage() throws {
    let table = Report.paperTable(Self.records) { _ in "not run yet" }
    #expect(table.rows.count == 9)
    #expect(table.rows.allSatisfy { table.plainText($0[3]) == "91.00 ± 1.00" && table.plainText($0[4]) == "85.00 ± 5.00" && table.plainText($0[5]) == "−6.00" })
    #expect(table.rows[5].map(table.plainText).prefix(3) == ["Braille", "MLP", "3 FC"])
    #expect(table.plainText(table.rows[5][6]) == "99.62" && table.plainText(table.rows[5][7]) == "99.26")
    let missing = Report.paperTable([]) { $0.dataset == "SHD" ? "not run yet" : "synthetic data only" }
    #expect(missing.rows[4].map(missing.plainText) == ["SHD", "MLP", "3 FC", "—", "—", "—", "74.09", "73.29", "not run yet"])
    guard let pdflatex = ["/usr/bin/pdflatex", "/usr/local/bin/pdflatex"].first(where: FileManager.default.isExecutableFile) else {
      print("PaperTableTests: pdflatex not installed; the table's width was not checked")
      return
    }
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("paper-table-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let body = table.latex() + "\\clearpage\n" + Report.paperTable(Self.records) { _ in "one method not run" }.latex()
    try "\\documentclass[twocolumn]{article}\n\\usepackage{booktabs}\n\\begin{document}\nx\n\(body)\\end{document}\n"
      .write(to: dir.appendingPathComponent("t.tex"), atomically: true, encoding: .utf8)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: pdflatex)
    process.arguments = ["-interaction=nonstopmode", "-halt-on-error", "t.tex"]
    process.currentDirectoryURL = dir
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    let log = (try? String(contentsOf: dir.appendingPathComponent("t.log"), encoding: .utf8)) ?? ""
    #expect(process.terminationStatus == 0 && log.contains("Output written"), "\(log.suffix(2000))")
    #expect(!log.contains("Overfull \\hbox"), "\(log.components(separatedBy: "\n").filter { $0.hasPrefix("Overfull") })")
  }
}
