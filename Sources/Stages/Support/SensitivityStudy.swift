import Foundation
import Hardware
import Pipeline
import Report

/// `experiments/hardware/sensitivity.yml`: the nine paper workloads under every setting of the
/// model's `[assumption]` knobs, beside the paper's bands (docs/hardware-model.md).
///
/// The file names a technology, the knobs' values, the paper's bands, a nominal spike rate and
/// per workload its first-layer input bits and, where a trained run exists, its measured
/// activity (BP run for PipeLayer, SDFA run for PipeSDFA). Runs in seconds: nothing trains.
public enum SensitivityStudy {
  /// What the study writes: `sensitivity.md`, `sensitivity.json`, `sensitivity.svg`.
  public struct Output {
    public var markdown: String
    public var json: Data
    public var svg: String
  }

  public static func run(_ path: String) throws -> Output {
    let node = try SpecLoader().load(path).node
    let spec = try JSONSerialization.jsonObject(with: Data(node.untypedValue.canonicalJSON.utf8)) as? [String: Any] ?? [:]
    let technologyName = spec["technology"] as? String ?? "rram-32nm"
    let (_, technology) = try TechnologyFile.load(technologyName, specFile: path, origin: ValueOrigin(node["technology"] ?? node))
    let knobsSpec = spec["knobs"] as? [String: Any] ?? [:]
    func list<T>(_ key: String, _ f: (Any) -> T?) throws -> [T] {
      guard let raw = knobsSpec[key] as? [Any], !raw.isEmpty else { throw StageFailure("\(path): knobs.\(key) needs a non-empty list") }
      return try raw.map { v in
        guard let x = f(v) else { throw StageFailure("\(path): knobs.\(key) has an invalid value \(v)") }
        return x
      }
    }
    let knobs = SensitivityKnobs(
      errorEncoding: try list("error_encoding") { ($0 as? String).flatMap(ErrorEncoding.init(rawValue:)) },
      backwardSlot: try list("backward_slot") { ($0 as? NSNumber)?.doubleValue },
      adcBits: try list("adc_bits") { ($0 as? NSNumber)?.intValue },
      cellBits: try list("cell_bits") { ($0 as? NSNumber)?.intValue },
      batchSize: try list("batch_size") { v -> Int?? in
        if let s = v as? String, s == "config" { return .some(nil) }
        return (v as? NSNumber).map { .some($0.intValue) }
      })
    let nominal = (spec["nominal_rate"] as? NSNumber)?.doubleValue ?? 0.1
    let paper = spec["paper"] as? [String: [NSNumber]] ?? [:]
    let timeBand = (paper["time"] ?? [1.1, 10.5]).map(\.doubleValue)
    let energyBand = (paper["energy"] ?? [1.37, 2.1]).map(\.doubleValue)
    let byName = Dictionary(uniqueKeysWithValues: PaperWorkloads.all.map { ($0.name, $0) })
    var workloads: [SensitivityWorkload] = []
    for entry in spec["workloads"] as? [[String: Any]] ?? [] {
      guard let name = entry["name"] as? String, var net = byName[name] else {
        throw StageFailure("\(path): unknown workload \(entry["name"] ?? "?"); use one of \(byName.keys.sorted().joined(separator: ", "))")
      }
      net.firstLayerInputBits = (entry["input_bits"] as? NSNumber)?.intValue
      net.inputEncoding = entry["input_encoding"] as? String
      let layers = net.layers.count
      var bp = ActivityProfile(inputRate: nominal, outputRates: Array(repeating: nominal, count: layers))
      var sdfa = bp
      var source = "nominal rate \(nominal) in every layer (no trained run)"
      if let a = entry["activity"] as? [String: Any] {
        let input = (a["input_rate"] as? NSNumber)?.doubleValue ?? nominal
        let bpRates = (a["bp"] as? [NSNumber])?.map(\.doubleValue) ?? []
        let sdfaRates = (a["sdfa"] as? [NSNumber])?.map(\.doubleValue) ?? []
        guard bpRates.count == layers, sdfaRates.count == layers else {
          throw StageFailure("\(path): workload \(name) needs \(layers) rates in activity.bp and activity.sdfa")
        }
        bp = ActivityProfile(inputRate: input, outputRates: bpRates)
        sdfa = ActivityProfile(inputRate: input, outputRates: sdfaRates)
        source = a["source"] as? String ?? "measured"
      }
      workloads.append(SensitivityWorkload(network: net, bpActivity: bp, sdfaActivity: sdfa, activitySource: source))
    }
    let (results, grid) = Sensitivity.study(workloads, knobs: knobs, technology: technology)
    return Output(
      markdown: markdown(results, grid: grid, knobs: knobs, technology: technology, timeBand: timeBand, energyBand: energyBand, file: path),
      json: try json(results),
      svg: SensitivityFigure.svg(results, timeBand: timeBand, energyBand: energyBand))
  }

  static func json(_ results: [WorkloadSensitivity]) throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    return try encoder.encode(results)
  }

  static func f(_ x: Double) -> String { String(format: "%.2f×", x) }

  static func markdown(
    _ results: [WorkloadSensitivity], grid: [(SensitivitySetting, [RatioPoint])], knobs: SensitivityKnobs,
    technology: Technology, timeBand: [Double], energyBand: [Double], file: String
  ) -> String {
    var md = "# Sensitivity of the PipeLayer/PipeSDFA ratios to the model's assumptions\n\n"
    md += "Generated by `sdfa sensitivity \(file)` from technology `\(technology.name)`. Ratios are PipeLayer over "
    md += "PipeSDFA per training epoch (above 1: PipeSDFA is better). Default: the technology file's values and each "
    md += "workload's own batch size (\(SensitivitySetting.defaults(technology))). The grid is every combination of: "
    md += "error encoding \(knobs.errorEncoding.map(\.rawValue)), backward slot [\(knobs.backwardSlot.map { String(format: "%g", $0) }.joined(separator: ", "))], "
    md += "ADC bits \(knobs.adcBits), cell bits \(knobs.cellBits), batch \(knobs.batchSize.map { $0.map(String.init) ?? "config" }) "
    md += "(\(grid.count) settings). Paper: time \(f(timeBand[0]))–\(f(timeBand[1])), energy \(f(energyBand[0]))–\(f(energyBand[1])) "
    md += "over its five datasets (no per-workload values are published).\n\n"
    md += "| Workload | Activity | Time at default | Time range (grid) | Energy at default | Energy range (grid) |\n"
    md += "|:--|:--|--:|--:|--:|--:|\n"
    for r in results {
      md += "| \(r.workload) | \(r.activitySource) | \(f(r.defaultRatio.time)) | \(f(r.gridTime.lowerBound))–\(f(r.gridTime.upperBound)) "
      md += "| \(f(r.defaultRatio.energy)) | \(f(r.gridEnergy.lowerBound))–\(f(r.gridEnergy.upperBound)) |\n"
    }
    md += "\n*Networks are the reference configs' full shapes (`PaperWorkloads`), costed analytically; activity as stated "
    md += "per row (a nominal rate is an assumption, not a measurement).*\n\n"
    md += "## One knob at a time (others at default)\n\n| Workload | Knob | Time range | Energy range |\n|:--|:--|--:|--:|\n"
    for r in results {
      for k in r.perKnob.keys.sorted() {
        let t = r.perKnob[k]!, e = r.perKnobEnergy[k]!
        md += "| \(r.workload) | \(k) | \(f(t.lowerBound))–\(f(t.upperBound)) | \(f(e.lowerBound))–\(f(e.upperBound)) |\n"
      }
    }
    md += "\n## Finding: which settings reach the paper's numbers\n\n"
    md += finding(results, grid: grid, timeBand: timeBand, energyBand: energyBand)
    return md
  }

  /// Which single settings (applied to all nine workloads) give spans closest to the paper's
  /// bands, and whether any puts all nine inside both.
  static func finding(
    _ results: [WorkloadSensitivity], grid: [(SensitivitySetting, [RatioPoint])], timeBand: [Double], energyBand: [Double]
  ) -> String {
    func span(_ r: [Double]) -> (Double, Double) { (r.min() ?? 0, r.max() ?? 0) }
    func distance(_ s: (Double, Double), _ band: [Double]) -> Double {
      abs(Foundation.log(s.0 / band[0])) + abs(Foundation.log(s.1 / band[1]))
    }
    let scored = grid.map { setting, ratios -> (SensitivitySetting, (Double, Double), (Double, Double), Double, Int) in
      let t = span(ratios.map(\.time)), e = span(ratios.map(\.energy))
      let inside = ratios.filter { (timeBand[0]...timeBand[1]).contains($0.time) && (energyBand[0]...energyBand[1]).contains($0.energy) }.count
      return (setting, t, e, distance(t, timeBand) + distance(e, energyBand), inside)
    }.sorted { $0.3 < $1.3 }
    var out = ""
    let allInside = scored.filter { $0.4 == results.count }
    out += allInside.isEmpty
      ? "- No setting of the grid puts all \(results.count) workloads inside both bands at once; the most any setting places inside both is \(scored.map(\.4).max() ?? 0).\n"
      : "- \(allInside.count) setting(s) put all \(results.count) workloads inside both bands, e.g. \(allInside[0].0).\n"
    out += "- Settings whose spans over the nine workloads come closest to the paper's (sum of |log| distances of the span ends):\n\n"
    out += "| Setting | Time span | Energy span | Inside both |\n|:--|--:|--:|--:|\n"
    for s in scored.prefix(5) {
      out += "| \(s.0) | \(f(s.1.0))–\(f(s.1.1)) | \(f(s.2.0))–\(f(s.2.1)) | \(s.4)/\(results.count) |\n"
    }
    var best = (ratio: 0.0, workload: "", setting: grid.first?.0)
    for (setting, ratios) in grid {
      for (i, r) in ratios.enumerated() where r.time > best.ratio { best = (r.time, results[i].workload, setting) }
    }
    out += "\n- Highest time ratio anywhere in the grid: \(f(best.ratio)) (\(best.workload), \(best.setting.map { "\($0)" } ?? "")); "
    out += best.ratio >= timeBand[1] ? "the paper's \(f(timeBand[1])) is reachable.\n" : "the paper's \(f(timeBand[1])) is not reached by any setting.\n"
    for encoding in ErrorEncoding.allCases {
      let e = grid.filter { $0.0.errorEncoding == encoding }.flatMap { $0.1.map(\.energy) }
      guard let lo = e.min(), let hi = e.max() else { continue }
      out += "- Energy with \(encoding.rawValue) error input: \(f(lo))–\(f(hi)) over all workloads and other knobs.\n"
    }
    let times = results.map(\.defaultRatio.time), energies = results.map(\.defaultRatio.energy)
    out += "\n- At the default the nine span time \(f(times.min() ?? 0))–\(f(times.max() ?? 0)) and energy \(f(energies.min() ?? 0))–\(f(energies.max() ?? 0)).\n"
    return out
  }
}
