extension Table {
  /// Spike rates per layer (spikes per neuron per time step, mean ± std over seeds), one row
  /// per sweep point and layer, layers in natural order. Groups without spike rates are left
  /// out.
  public static func spikeRates(_ groups: [SeedGroup], provenance: ProvenanceSummary, methodAxis: String = "method") -> Table {
    let columns: [Column] = [
      Column("Dataset", key: "dataset"), Column("Classes", key: "classes", alignment: .right),
      Column("Neuron", key: "neuron"), Column("Model", key: "model"), Column("Setup", key: "setup"),
      Column("Method", key: "method"), Column("Layer", key: "layer"),
      Column("Spike rate", key: "spike_rate", alignment: .right),
    ]
    var rows: [[Cell]] = []
    for group in groups where !group.spikeRates.isEmpty {
      let labels = labelCells(group.workload, coordinates: group.coordinates.filter { $0.axis != methodAxis })
      let method: Cell = group.value(of: methodAxis).map { .text($0.uppercased()) } ?? .missing
      for layer in group.spikeRates.keys.sorted(by: naturalLess) {
        rows.append(labels + [method, .text(layer), .measurement(group.spikeRates[layer]!, digits: 4)])
      }
    }
    return Table(
      identifier: "spike-rates", title: "Spike rates per layer", columns: columns, rows: rows,
      notes: ["Spikes per neuron per time step on the test set, mean ± sample standard deviation over seeds."],
      provenance: provenance)
  }
}
