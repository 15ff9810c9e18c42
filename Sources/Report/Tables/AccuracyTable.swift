extension Table {
  /// The paper's accuracy table: dataset, classes, neuron, model, setup, BP, SDFA and Δ in
  /// percent, our means ± std over seeds, and the paper's numbers beside ours for workloads
  /// that `references` matches (those columns are left out when none does).
  ///
  /// A comparison without a ``Workload`` shows its `dataset` and `model` coordinates and, as
  /// setup, its remaining coordinates.
  public static func accuracy(
    _ comparisons: [MethodComparison], provenance: ProvenanceSummary, metric: AccuracyMetric = .best,
    references: [ReferenceAccuracy] = ReferenceAccuracy.paper, digits: Int = 2
  ) -> Table {
    let matched = comparisons.map { c in c.workload.flatMap { w in references.first { $0.matches(w) } } }
    let showPaper = matched.contains { $0 != nil }
    var columns: [Column] = [
      Column("Dataset", key: "dataset"), Column("Classes", key: "classes", alignment: .right),
      Column("Neuron", key: "neuron"), Column("Model", key: "model"), Column("Setup", key: "setup"),
      Column("BP (%)", key: "bp", alignment: .right), Column("SDFA (%)", key: "sdfa", alignment: .right),
      Column("Δ (pp)", key: "delta", alignment: .right),
    ]
    if showPaper {
      columns += [
        Column("Paper BP (%)", key: "paper_bp", alignment: .right),
        Column("Paper SDFA (%)", key: "paper_sdfa", alignment: .right),
        Column("Paper Δ (pp)", key: "paper_delta", alignment: .right),
      ]
    }
    let rows: [[Cell]] = zip(comparisons, matched).map { c, reference in
      var row = labelCells(c.workload, coordinates: c.coordinates)
      row.append(c.baseline.map { .measurement(metric.summary(of: $0).scaled(by: 100), digits: digits) } ?? .missing)
      row.append(c.proposed.map { .measurement(metric.summary(of: $0).scaled(by: 100), digits: digits) } ?? .missing)
      row.append(c.delta(metric).map { .signed($0 * 100, digits: digits) } ?? .missing)
      if showPaper {
        if let r = reference {
          row += [.number(r.bp * 100, digits: 2), .number(r.sdfa * 100, digits: 2), .signed((r.sdfa - r.bp) * 100, digits: 2)]
        } else {
          row += [.missing, .missing, .missing]
        }
      }
      return row
    }
    var notes = [
      "\(metric.phrase.prefix(1).uppercased() + metric.phrase.dropFirst()) in percent, mean ± sample standard deviation over seeds (no ± where one seed ran).",
      "Δ = SDFA − BP in percentage points.",
    ]
    if metric == .best {
      notes.insert("Best = best over epochs, on the test set (the reference's protocol; optimistic).", at: 1)
    } else {
      notes.insert("Final = after the last epoch.", at: 1)
    }
    if showPaper { notes.append("Paper: Ren et al., ICCAD 2025.") }
    return Table(
      identifier: "accuracy", title: "Test accuracy, BP against SDFA", columns: columns, rows: rows,
      notes: notes, provenance: provenance)
  }

  /// Dataset, classes, neuron, model, setup.
  static func labelCells(_ workload: Workload?, coordinates: [Coordinate]) -> [Cell] {
    func text(_ s: String?) -> Cell { s.map(Cell.text) ?? .missing }
    if let w = workload {
      return [.text(w.dataset), w.classes.map(Cell.integer) ?? .missing, text(w.neuron), .text(w.model), text(w.setup)]
    }
    let rest = coordinates.filter { $0.axis != "dataset" && $0.axis != "model" }
    return [
      text(coordinates.first { $0.axis == "dataset" }?.value), .missing, .missing,
      text(coordinates.first { $0.axis == "model" }?.value),
      rest.isEmpty ? .missing : .text(rest.map(\.description).joined(separator: ", ")),
    ]
  }
}

extension Report {
  /// Aggregates `records`, pairs BP with SDFA and builds the accuracy table in one call.
  public static func accuracyTable(
    _ records: [RunRecord], metric: AccuracyMetric = .best,
    references: [ReferenceAccuracy] = ReferenceAccuracy.paper, seedAxis: String = "seed",
    methodAxis: String = "method"
  ) -> Table {
    let comparisons = compareMethods(aggregate(records, seedAxis: seedAxis), methodAxis: methodAxis)
    return Table.accuracy(
      comparisons, provenance: ProvenanceSummary(records: records, seedAxis: seedAxis), metric: metric,
      references: references)
  }
}
