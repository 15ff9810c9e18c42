import Foundation
import Hardware
import Pipeline
import Report
import SNN

/// `report`: one per spec, over every stage of every sweep point: `report.md` (a summary of
/// the run), the aggregated tables over seeds (`tables/*.{md,tex,csv,json}`), figures
/// (`figures/*.svg`) and a self-contained `report.html`.
struct ReportStage: Stage {
  let kind = "report"
  let version = 3
  let reads = ["name", "axes", "points", "report.formats", "report.metric"]
  /// What ``workload(_:model:)`` labels a point's workload with.
  let pointReads = ["dataset.kind", "dataset.like", "model.arch", "model.neuron.type"]
  let scope = StageScope.perSpec
  var trigger: String? { nil }

  var sections: [String: Schema] {
    ["report": .object([
      .init("formats", .list(of: .choice(["md", "tex", "csv", "json"]), minCount: 1), default: .list(["md", "tex", "csv", "json"])),
      .init("metric", .choice(["best", "final"]), default: "best", doc: "which test accuracy the tables compare"),
    ])]
  }

  func run(_ context: StageContext) throws {
    let name = context.param("name")?.stringValue ?? "spec"
    let points = context.param("points")?.listValue ?? []
    let digest = Digest.sha256(context.keyedParams.canonicalJSON)
    let date = String(ISO8601DateFormatter().string(from: Date()).prefix(10))
    var records: [RunRecord] = []
    var summaries: [(id: String, kinds: [String: [String: Double]])] = []
    for point in points {
      guard let id = point[path: "id"]?.stringValue, let config = point[path: "config"] else { continue }
      var kinds: [String: [String: Double]] = [:]
      for kind in ["train", "map", "energy"] {
        if let url = context.inputs["\(id)/\(kind)"], FileManager.default.fileExists(atPath: url.appendingPathComponent("summary.json").path) {
          kinds[kind] = try ArtifactFiles.read([String: Double].self, from: url.appendingPathComponent("summary.json"))
        }
      }
      summaries.append((id, kinds))
      guard let train = context.inputs["\(id)/train"] else { continue }
      let coordinates = (point[path: "coordinates"]?.listValue ?? []).compactMap { pair -> Coordinate? in
        guard let items = pair.listValue, items.count == 2, let a = items[0].stringValue, let v = items[1].stringValue else { return nil }
        return Coordinate(a, v)
      }
      let metrics = try ArtifactFiles.read([EpochRecord].self, from: train.appendingPathComponent("metrics.json"))
      let model = try ArtifactFiles.read(TrainedModel.self, from: train.appendingPathComponent("model.json"))
      var hardware: [HardwareResult]?
      if let energy = context.inputs["\(id)/energy"] {
        let estimate = try ArtifactFiles.read(HardwareEstimate.self, from: energy.appendingPathComponent("estimate.json"))
        hardware = [Self.result(estimate.pipeLayer, name: "pipelayer"), Self.result(estimate.pipeSDFA, name: "pipesdfa")]
      }
      let synthetic = config[path: "dataset.kind"]?.stringValue == "synthetic"
      records.append(RunRecord(
        coordinates: coordinates, workload: Self.workload(config, model: model),
        epochs: metrics.map { ReportEpochMetrics(epoch: $0.epoch + 1, trainLoss: $0.trainLoss, trainAccuracy: $0.trainAccuracy,
                                                   testLoss: $0.testLoss, testAccuracy: $0.testAccuracy) },
        spikeRates: Dictionary(uniqueKeysWithValues: model.spikeRates.enumerated().map { ("layer \($0.offset + 1)", $0.element) }),
        hardware: hardware,
        provenance: Provenance(specName: name, specDigest: digest, data: synthetic ? .synthetic : .real,
                               toolVersion: PipelineInfo.toolVersion, date: date)))
    }
    try context.write(Data(Self.markdownSummary(name: name, summaries: summaries).utf8), to: "report.md")
    guard !records.isEmpty else { return }
    let metric: AccuracyMetric = context.param("report.metric")?.stringValue == "final" ? .final : .best
    // Without a report section, every format.
    let formats = (context.param("report.formats")?.listValue ?? ["md", "tex", "csv", "json"])
      .compactMap { $0.stringValue.flatMap(TableFormat.init(rawValue:)) }
    let document = Report.document(records, title: name, metric: metric)
    for file in document.files(formats: formats) { try context.write(Data(file.contents.utf8), to: file.path) }
    try ArtifactFiles.write(records, to: "records.json", in: context)
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

  /// One table per stage kind: a row per sweep point, a column per summary value.
  static func markdownSummary(name: String, summaries: [(id: String, kinds: [String: [String: Double]])]) -> String {
    var text = "# \(name)\n\n\(summaries.count) runs (sweep points × seeds). Tables aggregated over seeds are in `tables/`, figures in `figures/`, everything in `report.html`.\n"
    for kind in ["train", "map", "energy"] {
      let columns = Array(Set(summaries.flatMap { $0.kinds[kind]?.keys.map { $0 } ?? [] })).sorted()
      guard !columns.isEmpty else { continue }
      text += "\n## \(kind)\n\n| point | " + columns.map { $0.replacingOccurrences(of: "_", with: " ") }.joined(separator: " | ") + " |\n"
      text += "|---|" + String(repeating: "---:|", count: columns.count) + "\n"
      for s in summaries {
        let cells = columns.map { column -> String in
          guard let v = s.kinds[kind]?[column] else { return "—" }
          if v.isNaN { return "nan" }
          if v == v.rounded() && abs(v) < 1e9 { return String(Int(v)) }
          return String(format: abs(v) >= 1000 || abs(v) < 0.001 ? "%.3e" : "%.4f", v)
        }
        text += "| \(s.id) | " + cells.joined(separator: " | ") + " |\n"
      }
    }
    return text
  }
}
