extension Table {
  /// The accuracy table of a sweep: one column per varying axis (rows in axis order), the
  /// pivot's values side by side (`BP (%) | SDFA (%) | Δ (pp)`, or `tau=2 (%) | tau=4 (%)`),
  /// and what is the same for every run stated once in the caption. Where the pivot is the
  /// method and a row's workload is one of the paper's, the paper's numbers follow on a row of
  /// their own (`Source: paper`), which keeps the table narrow enough for `\columnwidth`.
  public static func sweepAccuracy(
    _ groups: [SeedGroup], layout: SweepLayout, provenance: ProvenanceSummary, metric: AccuracyMetric = .best,
    references: [ReferenceAccuracy] = ReferenceAccuracy.paper, digits: Int = 2
  ) -> Table {
    let rows = SweepRows(groups, layout: layout)
    let workloads = WorkloadColumns(rows.keys.map { rows.workload($0) })
    let matched = rows.keys.map { key -> ReferenceAccuracy? in
      guard layout.pivotIsMethod, let w = rows.workload(key) else { return nil }
      return references.first { $0.matches(w) }
    }
    let showPaper = matched.contains { $0 != nil }
    var columns = workloads.columns + layout.rowAxes.map { Column($0.header, key: Self.columnKey($0.label)) }
    if showPaper { columns.append(Column("Source", key: "source")) }
    let pivotValues = layout.pivot?.values ?? []
    if pivotValues.isEmpty {
      columns.append(Column("Accuracy (%)", key: "accuracy", alignment: .right))
    } else {
      columns += pivotValues.map { Column("\(layout.pivotHeader($0)) (%)", key: Self.columnKey($0), alignment: .right) }
    }
    let delta = layout.deltaPair
    if delta != nil { columns.append(Column("Δ (pp)", key: "delta", alignment: .right)) }

    var body: [[Cell]] = []
    for (key, reference) in zip(rows.keys, matched) {
      let labels = workloads.cells(rows.workload(key)) + key.map { Cell.text($0.value) }
      var row = labels + (showPaper ? [.text("ours")] : [])
      let values = pivotValues.isEmpty ? [rows.group(key, pivot: nil)] : pivotValues.map { rows.group(key, pivot: $0) }
      row += values.map { g in g.map { Cell.measurement(metric.summary(of: $0).scaled(by: 100), digits: digits) } ?? Cell.missing }
      if let delta {
        let from = rows.group(key, pivot: delta.from).flatMap { metric.summary(of: $0).mean }
        let to = rows.group(key, pivot: delta.to).flatMap { metric.summary(of: $0).mean }
        row.append(from.flatMap { f in to.map { Cell.signed(($0 - f) * 100, digits: digits) } } ?? Cell.missing)
      }
      body.append(row)
      if showPaper {
        var paper = labels + [.text("paper")]
        paper += pivotValues.map { value -> Cell in
          guard let r = reference else { return .missing }
          return value == "bp" ? .number(r.bp * 100, digits: 2) : value == "sdfa" ? .number(r.sdfa * 100, digits: 2) : .missing
        }
        if delta != nil { paper.append(reference.map { Cell.signed(($0.sdfa - $0.bp) * 100, digits: 2) } ?? Cell.missing) }
        body.append(paper)
      }
    }
    var notes: [String] = []
    if let fixed = WorkloadColumns.fixedSentence(workloads, layout: layout) { notes.append(fixed) }
    notes.append("\(metric.phrase.prefix(1).uppercased() + metric.phrase.dropFirst()) in percent, mean ± sample standard deviation over seeds (no ± where one seed ran).")
    notes.append(metric == .best ? "Best = best over epochs, on the test set (the reference's protocol; optimistic)." : "Final = after the last epoch.")
    if let delta { notes.append("Δ = \(layout.pivotHeader(delta.to)) − \(layout.pivotHeader(delta.from)) in percentage points.") }
    if showPaper { notes.append("Paper: Ren et al., ICCAD 2025.") }
    let title = layout.pivotIsMethod ? "Test accuracy, BP against SDFA" : layout.pivot.map { "Test accuracy by \($0.label)" } ?? "Test accuracy"
    return Table(identifier: "accuracy", title: title, columns: columns, rows: body, notes: notes, provenance: provenance)
  }

  /// A column key from a label: lowercase ASCII letters, digits and underscores (`tau`,
  /// `hidden`, `v_threshold`).
  static func columnKey(_ label: String) -> String {
    var out = ""
    for c in label.lowercased() {
      if c.isASCII && (c.isLetter || c.isNumber) { out.append(c) } else if !out.hasSuffix("_") { out.append("_") }
    }
    while out.hasSuffix("_") { out.removeLast() }
    return out.isEmpty ? "value" : out
  }
}

/// Seed groups arranged by a layout: row keys (the row axes' coordinates) in order of first
/// appearance, and each key's group per pivot value.
struct SweepRows {
  var keys: [[Coordinate]] = []
  private var byKey: [[Coordinate]: [String?: SeedGroup]] = [:]
  private var ordered: [[Coordinate]: [SeedGroup]] = [:]
  private let pivot: String?

  init(_ groups: [SeedGroup], layout: SweepLayout) {
    pivot = layout.pivot?.label
    for group in groups {
      let key = layout.rowKey(group.coordinates)
      if byKey[key] == nil { keys.append(key) }
      byKey[key, default: [:]][pivot.flatMap { group.value(of: $0) }] = group
      ordered[key, default: []].append(group)
    }
  }

  func group(_ key: [Coordinate], pivot value: String?) -> SeedGroup? { byKey[key]?[value] }

  /// The first workload among the key's groups.
  func workload(_ key: [Coordinate]) -> Workload? {
    ordered[key]?.lazy.compactMap(\.workload).first
  }

  /// All groups of a key, in pivot order.
  func groups(_ key: [Coordinate], pivotValues: [String]) -> [SeedGroup] {
    pivotValues.isEmpty ? [group(key, pivot: nil)].compactMap { $0 } : pivotValues.compactMap { group(key, pivot: $0) }
  }
}
