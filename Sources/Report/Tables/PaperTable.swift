extension Report {
  /// The paper's accuracy table, all nine rows, across the paper specs' reports: for each of
  /// the paper's workloads, our BP and SDFA (mean ± std over seeds, real data only) beside the
  /// paper's numbers. A row without our numbers shows "—" and says why in its `Note`
  /// (`missing(reference)` gives the reason, such as the command that makes it).
  ///
  /// Synthetic runs never fill a row: their workload is labelled `… (synthetic)` and matches
  /// no reference. Set as a two-column float (`table*`) in LaTeX.
  public static func paperTable(
    _ records: [RunRecord], metric: AccuracyMetric = .best, references: [ReferenceAccuracy] = ReferenceAccuracy.paper,
    methodAxis: String = "method", missing: (ReferenceAccuracy) -> String
  ) -> Table {
    let groups = aggregate(records)
    var body: [[Table.Cell]] = []
    for reference in references {
      let matching = groups.filter { g in g.workload.map(reference.matches) ?? false }
      let bp = Summary(matching.filter { $0.value(of: methodAxis) == "bp" }.flatMap { g in g.records.map { metric == .best ? $0.bestTestAccuracy : $0.finalTestAccuracy } })
      let sdfa = Summary(matching.filter { $0.value(of: methodAxis) == "sdfa" }.flatMap { g in g.records.map { metric == .best ? $0.bestTestAccuracy : $0.finalTestAccuracy } })
      func cell(_ s: Summary) -> Table.Cell { s.n + s.nonFinite > 0 ? .measurement(s.scaled(by: 100), digits: 2) : .missing }
      let delta: Table.Cell = bp.mean.flatMap { b in sdfa.mean.map { Table.Cell.signed(($0 - b) * 100, digits: 2) } } ?? Table.Cell.missing
      let note = matching.isEmpty ? missing(reference) : bp.n == 0 || sdfa.n == 0 ? "one method not run" : ""
      body.append([
        .text(reference.dataset), .text(reference.model), .text(reference.setup ?? ""),
        cell(bp), cell(sdfa), delta,
        .number(reference.bp * 100, digits: 2), .number(reference.sdfa * 100, digits: 2),
        note.isEmpty ? .missing : .text(note),
      ])
    }
    let columns: [Table.Column] = [
      .init("Dataset", key: "dataset"), .init("Model", key: "model"), .init("Setup", key: "setup"),
      .init("BP (%)", key: "bp", alignment: .right), .init("SDFA (%)", key: "sdfa", alignment: .right),
      .init("Δ (pp)", key: "delta", alignment: .right),
      .init("Paper BP (%)", key: "paper_bp", alignment: .right), .init("Paper SDFA (%)", key: "paper_sdfa", alignment: .right),
      .init("Note", key: "note"),
    ]
    var table = Table(
      identifier: "paper-table", title: "Test accuracy of the paper's workloads, BP against SDFA, ours beside the paper's",
      columns: columns, rows: body,
      notes: ["\(metric.phrase.prefix(1).uppercased() + metric.phrase.dropFirst()) in percent, mean ± sample standard deviation over seeds, real data only.",
              "Δ = SDFA − BP in percentage points. Paper: Ren et al., ICCAD 2025. — : no run of ours (see Note)."],
      provenance: ProvenanceSummary(records: records.filter { r in r.workload.map { w in references.contains { $0.matches(w) } } ?? false }))
    table.wide = true
    return table
  }
}
