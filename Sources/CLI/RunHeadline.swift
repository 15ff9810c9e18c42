import Foundation
import Pipeline

/// What `sdfa run` prints after its stage counts: the headline metric of the runs that ran or
/// were reused (best test accuracy), as a pivot table over seeds where the spec sweeps the
/// pivot axis (`report.pivot`, else `train.method`), else one line per sweep point.
enum RunHeadline {
  static let maxRows = 12

  static func lines(_ summary: RunSummary, spec: Spec, index: StageIndex, registry: StageRegistry) -> [String] {
    guard let stage = registry.stages.first(where: { s in !s.headlineMetrics.isEmpty && summary.kinds.contains(s.kind) }),
      let metric = stage.headlineMetrics.first
    else { return [] }
    let nodes = summary.labels.indices.filter { summary.kinds[$0] == stage.kind && summary.outcomes[$0].digest != nil }
    let recorded = (try? index.metrics(for: nodes.compactMap { summary.keys[$0] })) ?? [:]
    var runs: [(coordinates: [RunEntry.Coordinate], value: Double)] = []
    for i in nodes {
      guard let key = summary.keys[i], let json = recorded[key], let value = (try? SpecValue(json: json))?[path: metric],
        let number = RunValues.number(value)
      else { continue }
      runs.append((RunCatalog.coordinates(of: summary.labels[i]), number))
    }
    guard !runs.isEmpty else { return [] }
    let percent = metric.contains("accuracy")
    let title = metric.replacingOccurrences(of: "_", with: " ") + (percent ? " (%)" : "")
    let pivotPath = spec.base[path: "report.pivot"]?.stringValue ?? "train.method"
    let pivot = spec.axes.first { $0.path == pivotPath || $0.label == pivotPath }?.label
    // Group the seeds of each point (and each pivot value).
    var rowOrder: [String] = [], columnOrder: [String] = []
    var cells: [String: [String: [Double]]] = [:]
    for run in runs {
      let rest = run.coordinates.filter { $0.axis != "seed" && $0.axis != pivot }
      let row = rest.isEmpty ? "all" : rest.map { "\($0.axis)=\($0.value)" }.joined(separator: " ")
      let column = pivot.flatMap { p in run.coordinates.first { $0.axis == p }?.value } ?? title
      if cells[row] == nil { rowOrder.append(row) }
      if !columnOrder.contains(column) { columnOrder.append(column) }
      cells[row, default: [:]][column, default: []].append(percent ? run.value * 100 : run.value)
    }
    let counts = Set(cells.values.flatMap { $0.values.map(\.count) })
    let seeds = counts.count == 1 ? "\(counts.first!)" : "\(counts.min()!)–\(counts.max()!)"
    let heading = "  " + title + (pivot.map { " by \($0)" } ?? "") + ((counts.max() ?? 1) > 1 ? ", mean ± std over \(seeds) seeds" : "") + ":"
    let header = [""] + (pivot == nil ? [] : columnOrder)
    var table: [[String]] = pivot == nil ? [] : [header]
    for row in rowOrder.prefix(maxRows) {
      table.append([row] + columnOrder.map { cells[row]?[$0].map(format) ?? "—" })
    }
    let widths = (0..<(table.map(\.count).max() ?? 0)).map { c in table.map { c < $0.count ? $0[c].count : 0 }.max() ?? 0 }
    var lines = [heading] + table.map { cells in
      "    " + cells.indices.map { c in c == 0 ? cells[c].padding(toLength: widths[c], withPad: " ", startingAt: 0)
        : String(repeating: " ", count: widths[c] - cells[c].count) + cells[c] }.joined(separator: "  ")
    }
    if rowOrder.count > maxRows { lines.append("    … \(rowOrder.count - maxRows) more: sdfa runs \(spec.file)") }
    return lines
  }

  /// `81.25 ± 1.30` (sample standard deviation), or the value alone for one seed.
  static func format(_ values: [Double]) -> String {
    let mean = values.reduce(0, +) / Double(values.count)
    guard values.count > 1 else { return String(format: "%.2f", mean) }
    let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count - 1)
    return String(format: "%.2f ± %.2f", mean, variance.squareRoot())
  }
}
