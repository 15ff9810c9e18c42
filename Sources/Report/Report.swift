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

/// Everything one report holds: tables, figures and the HTML page that embeds them.
public struct ReportDocument: Hashable, Sendable {
  public var tables: [Table]
  public var figures: [Figure]
  public var html: HTMLReport

  /// Relative path → file contents, in path order: `tables/<id>.<ext>` per format,
  /// `figures/<id>.svg`, and `report.html`.
  public func files(formats: [TableFormat] = [.markdown, .latex, .csv, .json]) -> [(path: String, contents: String)] {
    var out: [(path: String, contents: String)] = []
    for table in tables {
      for format in formats { out.append(("tables/\(table.identifier).\(format.fileExtension)", table.rendered(as: format))) }
    }
    for figure in figures { out.append(("figures/\(figure.identifier).svg", figure.svg)) }
    out.append(("report.html", html.render()))
    return out.sorted { $0.path < $1.path }
  }
}

extension Report {
  /// The standard report of a spec's records: the accuracy table, the spike-rate table (when
  /// any record has spike rates), the hardware table (when any record has hardware results),
  /// accuracy bars, test-accuracy learning curves per
  /// workload, energy and time breakdowns and the ratio figure.
  public static func document(
    _ records: [RunRecord], title: String, specText: String? = nil, metric: AccuracyMetric = .best,
    references: [ReferenceAccuracy] = ReferenceAccuracy.paper, seedAxis: String = "seed",
    methodAxis: String = "method"
  ) -> ReportDocument {
    let provenance = ProvenanceSummary(records: records, seedAxis: seedAxis)
    let groups = aggregate(records, seedAxis: seedAxis)
    let comparisons = compareMethods(groups, methodAxis: methodAxis)
    let hardware = summarizeHardware(records, seedAxis: seedAxis, methodAxis: methodAxis)
    var tables = [Table.accuracy(comparisons, provenance: provenance, metric: metric, references: references)]
    // Both protocols, always: the chosen one first, the other beside it.
    var other = Table.accuracy(
      comparisons, provenance: provenance, metric: metric == .best ? .final : .best, references: references)
    other.identifier = "accuracy-\(metric == .best ? "final" : "best")"
    other.title = metric == .best ? "Test accuracy after the last epoch, BP against SDFA" : "Best test accuracy over epochs, BP against SDFA"
    tables.append(other)
    var figures = [Figure.accuracyBars(comparisons, metric: metric, references: references, provenance: provenance)]
    var usedIdentifiers = Set(figures.map(\.identifier))
    for comparison in comparisons {
      var figure = Figure.learningCurves(comparison, provenance: provenance)
      var suffix = 2
      let stem = figure.identifier
      while usedIdentifiers.contains(figure.identifier) {
        figure.identifier = "\(stem)-\(suffix)"
        suffix += 1
      }
      usedIdentifiers.insert(figure.identifier)
      figures.append(figure)
    }
    if groups.contains(where: { !$0.spikeRates.isEmpty }) {
      tables.append(Table.spikeRates(groups, provenance: provenance, methodAxis: methodAxis))
    }
    if !hardware.isEmpty {
      tables.append(Table.hardware(hardware, provenance: provenance))
      figures.append(Figure.breakdown(hardware, quantity: .energy, provenance: provenance))
      figures.append(Figure.breakdown(hardware, quantity: .time, provenance: provenance))
      figures.append(Figure.ratios(hardware, provenance: provenance))
    }
    let html = HTMLReport(title: title, tables: tables, figures: figures, specText: specText, provenance: provenance)
    return ReportDocument(tables: tables, figures: figures, html: html)
  }
}
