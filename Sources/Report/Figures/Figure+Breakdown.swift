/// What a breakdown figure stacks.
public enum BreakdownQuantity: String, Codable, Hashable, Sendable, CaseIterable {
  case energy, time

  var unit: String { self == .energy ? "J" : "s" }
  var noun: String { self == .energy ? "Energy" : "Time" }
}

/// How a breakdown figure splits each bar.
public enum BreakdownGrouping: String, Codable, Hashable, Sendable, CaseIterable {
  case component, layer
}

extension Figure {
  /// Stacked bars per workload, one for each accelerator, split by component (phase, for time)
  /// or by layer.
  ///
  /// With `normalizeToBaseline` every workload's baseline total is 100 %, so workloads of very
  /// different size share one axis and the proposed bar's height reads as the saving; without
  /// it the axis is in SI-prefixed joules or seconds. A remainder of the total that the
  /// breakdown does not attribute is stacked as `other`.
  public static func breakdown(
    _ workloads: [WorkloadHardware], quantity: BreakdownQuantity = .energy, by grouping: BreakdownGrouping = .component,
    baseline: String = "pipelayer", proposed: String = "pipesdfa", baselineName: String = "PipeLayer",
    proposedName: String = "PipeSDFA", normalizeToBaseline: Bool = true, provenance: ProvenanceSummary? = nil,
    identifier: String? = nil
  ) -> Figure {
    struct Stack { var total: Double?; var parts: [String: Double] }
    func stack(_ a: AcceleratorSummary?) -> Stack? {
      guard let a else { return nil }
      let total = (quantity == .energy ? a.energy : a.time).mean
      var parts: [String: Double]
      switch (quantity, grouping) {
      case (.energy, .component): parts = a.energyByComponent
      case (.energy, .layer): parts = a.energyByLayer
      case (.time, .component): parts = a.timeByComponent
      case (.time, .layer): parts = a.timeByLayer
      }
      parts = parts.filter { $0.value.isFinite && $0.value > 0 }
      let attributed = parts.values.reduce(0, +)
      if let total, total.isFinite, total - attributed > 0.005 * total { parts["other", default: 0] += total - attributed }
      return Stack(total: total, parts: parts)
    }
    let stacks = workloads.map { [stack($0.accelerator(baseline)), stack($0.accelerator(proposed))] }
    var names = Set(stacks.flatMap { $0.compactMap { $0?.parts.keys }.flatMap { $0 } }).sorted(by: naturalLess)
    if let i = names.firstIndex(of: "other") { names.append(names.remove(at: i)) }

    // Scale: percent of the workload's baseline, or an SI prefix for the whole figure.
    let totals = stacks.flatMap { $0.compactMap { $0?.total } }
    let unit = UnitScale.choose(for: totals, unit: quantity.unit)
    let factors: [Double] = stacks.map { pair in
      if normalizeToBaseline, let base = pair[0]?.total, base.isFinite, base > 0 { return 100 / base }
      return normalizeToBaseline ? .nan : unit.factor
    }
    let heights = zip(stacks, factors).flatMap { pair, f in pair.compactMap { $0.map { $0.parts.values.reduce(0, +) * f } } }
    let axis = Axis(min: 0, max: max(heights.filter(\.isFinite).max() ?? 1, normalizeToBaseline ? 100 : 0))

    let groups = workloads.map { workloadLabel($0.workload, coordinates: $0.coordinates) }
    let groupWidth = max(130.0, (groups.flatMap { $0 }.map { SVG.textWidth($0, size: 10) }.max() ?? 0) + 12)
    let frame = PlotFrame(left: 72, top: 16, width: groupWidth * Double(max(groups.count, 1)), height: 280)
    let what = grouping == .layer ? "layer" : quantity == .time ? "phase" : "component"
    let title = "\(quantity.noun) by \(what), \(baselineName) against \(proposedName)"
    let width = figureWidth(plotRight: frame.right, legend: names.map(readableName), title: title)
    let legendHeight = 44 + Double(names.count) * 18
    var svg = SVG(width: width, height: max(frame.bottom + 74, legendHeight))
    let yTitle = normalizeToBaseline ? "\(quantity.noun) (% of \(baselineName))" : "\(quantity.noun) (\(unit.symbol))"
    frame.drawYAxis(axis, title: yTitle, into: &svg)

    let barWidth = min(44, groupWidth * 0.36)
    func barX(_ g: Int, _ side: Int) -> Double {
      frame.left + (Double(g) + 0.5) * groupWidth + (side == 0 ? -barWidth - 3 : 3)
    }
    for (k, name) in names.enumerated() {
      svg.open("g", [("class", "series"), ("data-label", name)])
      for (g, pair) in stacks.enumerated() {
        for side in 0..<2 {
          guard let s = pair[side], let value = s.parts[name], factors[g].isFinite else { continue }
          let below = names[..<k].compactMap { s.parts[$0] }.reduce(0, +)
          let y0 = frame.y(below * factors[g], axis), y1 = frame.y((below + value) * factors[g], axis)
          svg.rect(x: barX(g, side), y: y1, width: barWidth, height: y0 - y1, [("class", "bar"), ("fill", Palette.color(k)), ("stroke", "#ffffff"), ("stroke-width", "0.5")])
        }
      }
      svg.close("g")
    }
    frame.drawXBaseline(title: nil, into: &svg)
    svg.open("g", [("class", "x-axis")])
    for (g, lines) in groups.enumerated() {
      for side in 0..<2 where stacks[g][side] != nil {
        let x = barX(g, side) + barWidth / 2
        let name = side == 0 ? baselineName : proposedName
        svg.text(name, x: x, y: frame.bottom + 13, anchor: "middle", size: 10, [("class", "tick-label")])
        if let s = stacks[g][side], factors[g].isFinite {
          let stacked = s.parts.values.reduce(0, +) * factors[g]
          // The label gives the accelerator's total, which the stack matches up to the
          // unattributed remainder it leaves out when below 0.5 %.
          let total = s.total.map { $0 * factors[g] }.flatMap { $0.isFinite ? $0 : nil } ?? stacked
          let top = frame.y(stacked, axis)
          let label = normalizeToBaseline ? NumberText.fixed(total, 1) + "%" : NumberText.significant(total, 3)
          svg.text(label, x: x, y: top - 4, anchor: "middle", size: 9, [("class", "bar-label")])
        }
      }
      let center = frame.left + (Double(g) + 0.5) * groupWidth
      for (i, line) in lines.enumerated() {
        svg.text(line, x: center, y: frame.bottom + 31 + Double(i) * 15, anchor: "middle", size: 12, [("class", "tick-label")])
      }
    }
    svg.close("g")
    drawLegend(names.enumerated().map { LegendEntry(label: readableName($1), color: Palette.color($0)) }.reversed(), x: frame.right + 20, y: frame.top + 4, into: &svg)
    let description = "\(title): stacked bars per workload for \(baselineName) (left) and \(proposedName) (right)\(normalizeToBaseline ? ", in percent of \(baselineName)'s total" : "")."
    return Figure(
      identifier: identifier ?? "breakdown-\(quantity.rawValue)-\(grouping.rawValue)", title: title,
      svg: svg.document(title: title, description: description), caption: caption(description, provenance, title: title))
  }
}
