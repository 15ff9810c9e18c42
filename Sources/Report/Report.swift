/// Aggregation over seeds, tables and plots.
///
/// Works on plain values (``RunRecord``) and knows nothing of training or the pipeline: the
/// `report` stage turns artifacts into records and writes what this library renders.
///
/// ```swift
/// let document = Report.document(records, title: "nmnist-mlp", specText: yaml)
/// for (path, text) in document.files(formats: [.markdown, .latex, .csv, .json]) { … }
/// ```
public enum Report {}

/// Everything one report holds: tables, figures, the per-run rows and the HTML page that
/// embeds them.
public struct ReportDocument: Hashable, Sendable {
  public var tables: [Table]
  public var figures: [Figure]
  /// One row per run (`runs.csv`, `runs.jsonl`).
  public var runs: [RunRow]
  public var html: HTMLReport

  /// Relative path → file contents, in path order: `tables/<id>.<ext>` per format,
  /// `figures/<id>.svg`, `runs.csv` and `runs.jsonl` (where there are rows) and `report.html`.
  public func files(formats: [TableFormat] = [.markdown, .latex, .csv, .json]) -> [(path: String, contents: String)] {
    var out: [(path: String, contents: String)] = []
    for table in tables {
      for format in formats { out.append(("tables/\(table.identifier).\(format.fileExtension)", table.rendered(as: format))) }
    }
    for figure in figures { out.append(("figures/\(figure.identifier).svg", figure.svg)) }
    if !runs.isEmpty {
      out.append(("runs.csv", RunRow.csv(runs)))
      out.append(("runs.jsonl", RunRow.jsonLines(runs)))
    }
    out.append(("report.html", html.render(formats: formats)))
    return out.sorted { $0.path < $1.path }
  }
}

extension Report {
  /// The standard report of a spec's records, laid out by its sweep: the accuracy table
  /// (a column per varying axis, the pivot side by side), the spike-rate and hardware
  /// tables where the records have them; an accuracy-versus-axis plot per numeric axis,
  /// grouped bars where an axis is categorical (or none varies), learning curves per row of
  /// the accuracy table, and the hardware breakdowns and ratios.
  ///
  /// - Parameters:
  ///   - layout: how the sweep maps to tables; nil derives it from the records (pivot: the
  ///     `method` axis where it varies).
  ///   - runs: the per-run rows to export and list; empty leaves them out.
  public static func document(
    _ records: [RunRecord], title: String, specText: String? = nil, metric: AccuracyMetric = .best,
    references: [ReferenceAccuracy] = ReferenceAccuracy.paper, seedAxis: String = "seed",
    methodAxis: String = "method", layout: SweepLayout? = nil, runs: [RunRow] = []
  ) -> ReportDocument {
    let layout = layout ?? SweepLayout(records: records, seedAxis: seedAxis)
    let provenance = ProvenanceSummary(records: records, seedAxis: seedAxis)
    let groups = aggregate(records, seedAxis: seedAxis)
    let hardware = summarizeHardware(records, seedAxis: seedAxis, methodAxis: methodAxis)
    var tables = [Table.sweepAccuracy(groups, layout: layout, provenance: provenance, metric: metric, references: references)]
    // Both protocols, always: the chosen one first, the other beside it.
    var other = Table.sweepAccuracy(
      groups, layout: layout, provenance: provenance, metric: metric == .best ? .final : .best, references: references)
    other.identifier = "accuracy-\(metric == .best ? "final" : "best")"
    other.title = metric == .best ? "Test accuracy after the last epoch" : "Best test accuracy over epochs"
    tables.append(other)
    var figures: [Figure] = []
    let numeric = layout.rowAxes.filter(\.isNumeric)
    for axis in numeric {
      figures.append(Figure.metricVersusAxis(groups, layout: layout, axis: axis, metric: metric, provenance: provenance))
    }
    if numeric.count < layout.rowAxes.count || layout.rowAxes.isEmpty {
      figures.append(Figure.sweepBars(groups, layout: layout, metric: metric, references: references, provenance: provenance))
    }
    for key in SweepRows(groups, layout: layout).keys {
      figures.append(Figure.sweepCurves(groups, key: key, layout: layout, provenance: provenance))
    }
    if groups.contains(where: { !$0.spikeRates.isEmpty }) {
      tables.append(Table.sweepSpikeRates(groups, layout: layout, provenance: provenance))
    }
    if !hardware.isEmpty {
      tables.append(Table.sweepHardware(hardware, layout: layout, provenance: provenance))
      figures.append(Figure.breakdown(hardware, quantity: .energy, provenance: provenance))
      figures.append(Figure.breakdown(hardware, quantity: .time, provenance: provenance))
      figures.append(Figure.ratios(hardware, provenance: provenance))
    }
    let html = HTMLReport(title: title, tables: tables, figures: figures, specText: specText, provenance: provenance, runs: runs)
    return ReportDocument(tables: tables, figures: figures, runs: runs, html: html)
  }
}
