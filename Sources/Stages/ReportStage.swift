import Foundation
import Hardware
import Pipeline
import Report
import SNN

/// `report`: one per spec, over every stage of every sweep point: `report.md` (a summary of
/// the run), the aggregated tables over seeds (`tables/*.{md,tex,csv,json}`), one column per
/// swept axis), figures (`figures/*.svg`, with `.pdf` and `.png` where `rsvg-convert` is
/// installed), one row per run (`runs.csv`, `runs.jsonl`) and a self-contained `report.html`.
///
/// The artifact holds no date, host or wall time: its bytes depend only on its key (dates
/// and hosts are in the index).
struct ReportStage: Stage {
  let kind = "report"
  let version = 3
  let reads = ["name", "axes", "axis_paths", "points", "report"]
  let scope = StageScope.perSpec
  var trigger: String? { nil }

  var sections: [String: Schema] {
    ["report": .object([
      .init("formats", .list(of: .choice(["md", "tex", "csv", "json"]), minCount: 1), default: .list(["md", "tex", "csv", "json"])),
      .init("metric", .choice(["best", "final"]), default: "best", doc: "which test accuracy the tables compare"),
      .init("pivot", .string, doc: "the swept axis (path or label) whose values sit side by side; default train.method where swept"),
    ])]
  }

  func run(_ context: StageContext) throws {
    let name = context.param("name")?.stringValue ?? "spec"
    let points = context.param("points")?.listValue ?? []
    let digest = Digest.sha256(context.params.canonicalJSON)
    var records: [RunRecord] = []
    var rows: [RunRow] = []
    var summaries: [(id: String, kinds: [String: [String: Double]])] = []
    for point in points {
      guard let id = point[path: "id"]?.stringValue, let config = point[path: "config"] else { continue }
      var kinds: [String: [String: Double]] = [:]
      var artifacts: [String: URL] = [:]
      for kind in ["train", "map", "energy"] {
        guard let url = context.inputs["\(id)/\(kind)"] else { continue }
        artifacts[kind] = url
        if FileManager.default.fileExists(atPath: url.appendingPathComponent("summary.json").path) {
          kinds[kind] = try ArtifactFiles.read([String: Double].self, from: url.appendingPathComponent("summary.json"))
        }
      }
      summaries.append((id, kinds))
      guard artifacts["train"] != nil else { continue }
      let coordinates = (point[path: "coordinates"]?.listValue ?? []).compactMap { pair -> (axis: String, value: String)? in
        guard let items = pair.listValue, items.count == 2, let a = items[0].stringValue, let v = items[1].stringValue else { return nil }
        return (a, v)
      }
      let record = try RunArtifacts.record(spec: name, specDigest: digest, coordinates: coordinates, config: config,
                                           artifacts: artifacts)
      records.append(record)
      rows.append(RunRow(record: record, pointID: id, artifacts: artifacts.mapValues(\.lastPathComponent)))
    }
    guard !records.isEmpty else {
      try context.write(Data(Self.markdownSummary(name: name, summaries: summaries, tables: []).utf8), to: "report.md")
      return
    }
    let metric: AccuracyMetric = context.param("report.metric")?.stringValue == "final" ? .final : .best
    // Without a report section, every format.
    let formats = (context.param("report.formats")?.listValue ?? ["md", "tex", "csv", "json"])
      .compactMap { $0.stringValue.flatMap(TableFormat.init(rawValue:)) }
    var paths: [String: String] = [:]
    if case .object(let map)? = context.param("axis_paths") { for (label, path) in map { paths[label] = path.stringValue } }
    let layout = SweepLayout(records: records, paths: paths, pivot: context.param("report.pivot")?.stringValue)
    var document = Report.document(records, title: name, specText: SpecText.render(points: points, paths: paths),
                                   metric: metric, layout: layout, runs: rows)
    let renderer = FigureRenderer.find()
    document.html.figureFormats = ["svg"] + (renderer == nil ? [] : ["pdf", "png"])
    for file in document.files(formats: formats) { try context.write(Data(file.contents.utf8), to: file.path) }
    var renderedWith = "SVG only: rsvg-convert (Debian package librsvg2-bin) was not found, so there are no PDF or PNG copies."
    if let renderer {
      for figure in document.figures {
        let svg = context.outputDirectory.appendingPathComponent("figures/\(figure.identifier).svg")
        try renderer.render(svg, to: "pdf")
        try renderer.render(svg, to: "png")
      }
      renderedWith = "PDF and PNG copies of every figure rendered by \(renderer.version)."
    }
    try ArtifactFiles.write(records, to: "records.json", in: context)
    try context.write(Data(Self.markdownSummary(name: name, summaries: summaries, tables: document.tables, figures: renderedWith).utf8),
                      to: "report.md")
  }

  /// The paper's workload labels; synthetic data is labelled as such so that the paper's
  /// numbers are not set beside it.
  static func workload(_ config: SpecValue, model: TrainedModel) -> Workload {
    let names = ["nmnist": "N-MNIST", "shd": "SHD", "braille": "Braille", "dvsgesture": "DVS-Gesture", "ncaltech101": "N-Caltech101"]
    let kind = config[path: "dataset.kind"]?.stringValue ?? ""
    let dataset = kind == "synthetic"
      ? "\(names[config[path: "dataset.like"]?.stringValue ?? ""] ?? "?") (synthetic)" : names[kind] ?? kind
    let arch = config[path: "model.arch"]?.stringValue ?? "mlp"
    return Workload(dataset: dataset, classes: model.classes,
                    neuron: (config[path: "model.neuron.type"]?.stringValue ?? "lif").uppercased(),
                    model: arch == "mlp" ? "MLP" : arch == "vgg11" ? "VGG11" : "ConvNet",
                    setup: arch == "mlp" ? "\(model.layers.count) FC" : nil)
  }

  static func result(_ e: AcceleratorEstimate, name: String) -> HardwareResult {
    var byLayer: [String: Double] = [:], byComponent: [String: Double] = [:]
    for term in e.energy {
      byLayer[term.layer, default: 0] += term.joules
      byComponent[term.component.rawValue, default: 0] += term.joules
    }
    let timeByLayer = Dictionary(e.timing.layers.map { ($0.name, ($0.forwardNsPerBatch + $0.errorNsPerBatch) * 1e-9) }, uniquingKeysWith: +)
    return HardwareResult(accelerator: name, totalTime: e.epochSeconds, totalEnergy: e.epochJoules,
                          timeByLayer: timeByLayer, energyByLayer: byLayer,
                          timeByComponent: timeByPhase(e.timing), energyByComponent: byComponent)
  }

  /// An epoch's time split by what the pipeline is doing: full (every stage busy), filling and
  /// draining, and the steps outside the pipeline (the exposed weight update, SDFA's error
  /// projection and gradient). The parts add up to the epoch time.
  static func timeByPhase(_ t: TimingEstimate) -> [String: Double] {
    let extras = t.updateNs + t.projectionNs + t.gradientNs
    let perBatch = [
      "pipelined compute": t.batchNs - t.bubbleNsPerBatch,
      "pipeline fill and drain": t.bubbleNsPerBatch - extras,
      "weight update (exposed)": t.updateNs,
      "error projection e·B": t.projectionNs,
      "output gradient": t.gradientNs,
    ]
    return perBatch.filter { $0.value > 0 }.mapValues { $0 * Double(t.batchesPerEpoch) * 1e-9 }
  }

  /// The aggregated tables, then one table per stage kind (a row per sweep point, a column
  /// per summary value; seconds shown in ms and joules in mJ), and how figures were rendered.
  static func markdownSummary(
    name: String, summaries: [(id: String, kinds: [String: [String: Double]])], tables: [Table], figures: String? = nil
  ) -> String {
    var text = "# \(name)\n\n\(summaries.count) runs (sweep points × seeds). Tables aggregated over seeds are in `tables/`, figures in `figures/`, one row per run in `runs.csv` and `runs.jsonl`, everything in `report.html`.\n"
    if let figures { text += "\n\(figures)\n" }
    for table in tables { text += "\n" + table.markdown() }
    for kind in ["train", "map", "energy"] {
      let columns = Array(Set(summaries.flatMap { $0.kinds[kind]?.keys.map { $0 } ?? [] })).sorted()
      guard !columns.isEmpty else { continue }
      text += "\n## \(kind)\n\n| point | " + columns.map(Self.header).joined(separator: " | ") + " |\n"
      text += "|---|" + String(repeating: "---:|", count: columns.count) + "\n"
      for s in summaries {
        let cells = columns.map { column -> String in
          guard var v = s.kinds[kind]?[column] else { return "—" }
          if v.isNaN { return "nan" }
          if column.hasSuffix("_seconds") || column.hasSuffix("_joules") { v *= 1e3 }
          if v == v.rounded() && abs(v) < 1e9 { return String(Int(v)) }
          return String(format: abs(v) >= 1e6 || abs(v) < 0.001 ? "%.3e" : "%.4f", v)
        }
        text += "| \(s.id) | " + cells.joined(separator: " | ") + " |\n"
      }
    }
    return text
  }

  /// `pipelayer_epoch_joules` → `pipelayer epoch energy (mJ)`.
  static func header(_ key: String) -> String {
    if key.hasSuffix("_seconds") { return key.dropLast("_seconds".count).replacingOccurrences(of: "_", with: " ") + " time (ms)" }
    if key.hasSuffix("_joules") { return key.dropLast("_joules".count).replacingOccurrences(of: "_", with: " ") + " energy (mJ)" }
    return key.replacingOccurrences(of: "_", with: " ")
  }
}
