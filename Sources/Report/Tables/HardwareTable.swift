extension Table {
  /// The hardware table: per workload, training time and energy on the baseline (PipeLayer)
  /// and proposed (PipeSDFA) accelerators, mean ± std over seeds, and baseline-over-proposed
  /// ratios (above 1: PipeSDFA is better). Units are chosen per quantity for the whole table.
  public static func hardware(
    _ workloads: [WorkloadHardware], provenance: ProvenanceSummary, baseline: String = "pipelayer",
    proposed: String = "pipesdfa", baselineName: String = "PipeLayer", proposedName: String = "PipeSDFA"
  ) -> Table {
    let sides = workloads.map { ($0.accelerator(baseline), $0.accelerator(proposed)) }
    let times = sides.flatMap { [$0.0?.time.mean, $0.1?.time.mean].compactMap { $0 } }
    let energies = sides.flatMap { [$0.0?.energy.mean, $0.1?.energy.mean].compactMap { $0 } }
    let t = UnitScale.choose(for: times, unit: "s")
    let e = UnitScale.choose(for: energies, unit: "J")
    let columns: [Column] = [
      Column("Dataset", key: "dataset"), Column("Classes", key: "classes", alignment: .right),
      Column("Neuron", key: "neuron"), Column("Model", key: "model"), Column("Setup", key: "setup"),
      Column("Time \(baselineName) (\(t.symbol))", key: "time_\(baseline)_\(t.asciiSymbol)", alignment: .right),
      Column("Time \(proposedName) (\(t.symbol))", key: "time_\(proposed)_\(t.asciiSymbol)", alignment: .right),
      Column("Time ratio", key: "time_ratio", alignment: .right),
      Column("Energy \(baselineName) (\(e.symbol))", key: "energy_\(baseline)_\(e.asciiSymbol)", alignment: .right),
      Column("Energy \(proposedName) (\(e.symbol))", key: "energy_\(proposed)_\(e.asciiSymbol)", alignment: .right),
      Column("Energy ratio", key: "energy_ratio", alignment: .right),
    ]
    func measure(_ s: Summary?, _ scale: UnitScale) -> Cell {
      guard let s else { return .missing }
      let scaled = s.scaled(by: scale.factor)
      return .measurement(scaled, digits: digitsFor(scaled.mean))
    }
    let rows: [[Cell]] = zip(workloads, sides).map { w, side in
      let (b, p) = side
      return labelCells(w.workload, coordinates: w.coordinates) + [
        measure(b?.time, t), measure(p?.time, t),
        w.timeRatio(baseline: baseline, proposed: proposed).map { .ratio($0, digits: 2) } ?? .missing,
        measure(b?.energy, e), measure(p?.energy, e),
        w.energyRatio(baseline: baseline, proposed: proposed).map { .ratio($0, digits: 2) } ?? .missing,
      ]
    }
    let time = ReferenceAccuracy.paperTimeRatioRange, energy = ReferenceAccuracy.paperEnergyRatioRange
    let notes = [
      "Training time and energy, mean ± sample standard deviation over seeds; ratios are \(baselineName) over \(proposedName) (above 1: \(proposedName) is better).",
      "The paper reports \(NumberText.significant(time.lowerBound, 2))×–\(NumberText.significant(time.upperBound, 3))× in time and \(NumberText.significant(energy.lowerBound, 3))×–\(NumberText.significant(energy.upperBound, 2))× in energy.",
    ]
    return Table(
      identifier: "hardware", title: "Training time and energy, \(baselineName) against \(proposedName)",
      columns: columns, rows: rows, notes: notes, provenance: provenance)
  }

  /// Three significant digits for values below 100, none above: `1.23`, `12.3`, `123`.
  static func digitsFor(_ value: Double?) -> Int {
    guard let v = value.map(abs), v.isFinite else { return 2 }
    return v < 10 ? 2 : v < 100 ? 1 : 0
  }
}

extension Report {
  /// Summarises the hardware results of `records` and builds the hardware table in one call.
  public static func hardwareTable(
    _ records: [RunRecord], seedAxis: String = "seed", methodAxis: String = "method",
    sources: [AcceleratorSource] = AcceleratorSource.paper
  ) -> Table {
    Table.hardware(
      summarizeHardware(records, seedAxis: seedAxis, methodAxis: methodAxis, sources: sources),
      provenance: ProvenanceSummary(records: records, seedAxis: seedAxis))
  }
}
