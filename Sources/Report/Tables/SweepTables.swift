extension Table {
  /// Spike rates of a sweep: a row per row key and layer (layers in natural order), the
  /// pivot's values side by side; what is fixed goes to the caption.
  public static func sweepSpikeRates(_ groups: [SeedGroup], layout: SweepLayout, provenance: ProvenanceSummary) -> Table {
    let rows = SweepRows(groups.filter { !$0.spikeRates.isEmpty }, layout: layout)
    let workloads = WorkloadColumns(rows.keys.map { rows.workload($0) })
    let pivotValues = layout.pivot?.values ?? []
    var columns = workloads.columns + layout.rowAxes.map { Column($0.header, key: columnKey($0.label)) } + [Column("Layer", key: "layer")]
    columns += pivotValues.isEmpty
      ? [Column("Spike rate", key: "spike_rate", alignment: .right)]
      : pivotValues.map { Column(layout.pivotHeader($0), key: "spike_rate_" + columnKey($0), alignment: .right) }
    var body: [[Cell]] = []
    for key in rows.keys {
      let present = rows.groups(key, pivotValues: pivotValues)
      let layers = Set(present.flatMap { $0.spikeRates.keys }).sorted(by: naturalLess)
      let labels = workloads.cells(rows.workload(key)) + key.map { Cell.text($0.value) }
      for layer in layers {
        let values = pivotValues.isEmpty ? [rows.group(key, pivot: nil)] : pivotValues.map { rows.group(key, pivot: $0) }
        body.append(labels + [.text(layer)] + values.map { g in g?.spikeRates[layer].map { Cell.measurement($0, digits: 4) } ?? Cell.missing })
      }
    }
    var notes: [String] = []
    if let fixed = WorkloadColumns.fixedSentence(workloads, layout: layout) { notes.append(fixed) }
    notes.append("Spikes per neuron per time step on the test set, mean ± sample standard deviation over seeds.")
    return Table(identifier: "spike-rates", title: "Spike rates per layer", columns: columns, rows: body, notes: notes,
                 provenance: provenance)
  }

  /// The hardware table of a sweep: a row per workload (every varying axis but the method),
  /// training time and energy on both accelerators and their ratios; set as a two-column
  /// float (`table*`) in LaTeX.
  public static func sweepHardware(
    _ workloads: [WorkloadHardware], layout: SweepLayout, provenance: ProvenanceSummary
  ) -> Table {
    var table = hardware(workloads, provenance: provenance)
    let labels = WorkloadColumns(workloads.map(\.workload))
    let axes = layout.axes.filter { $0.values.count > 1 && !($0.path == "train.method" || $0.label == "method") }
    let prefix = labels.columns + axes.map { Column($0.header, key: columnKey($0.label)) }
    table.columns = prefix + table.columns.dropFirst(5)
    table.rows = zip(workloads, table.rows).map { w, row in
      labels.cells(w.workload) + axes.map { a in w.coordinates.first { $0.axis == a.label }.map { Cell.text($0.value) } ?? .missing }
        + row.dropFirst(5)
    }
    if let fixed = WorkloadColumns.fixedSentence(labels, layout: layout) { table.notes.insert(fixed, at: 0) }
    table.wide = true
    return table
  }
}
