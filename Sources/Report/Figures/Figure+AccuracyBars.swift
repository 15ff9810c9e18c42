extension Figure {
  /// Accuracy per workload, BP and SDFA side by side: bars at the mean over seeds, error bars
  /// at ±1 sample standard deviation (none where one seed ran), and the paper's numbers as
  /// white diamonds where `references` has them.
  public static func accuracyBars(
    _ comparisons: [MethodComparison], metric: AccuracyMetric = .best,
    references: [ReferenceAccuracy] = ReferenceAccuracy.paper, provenance: ProvenanceSummary? = nil,
    identifier: String = "accuracy-bars"
  ) -> Figure {
    let groups = comparisons.map { workloadLabel($0.workload, coordinates: $0.coordinates) }
    let groupWidth = max(96.0, (groups.flatMap { $0 }.map { SVG.textWidth($0, size: 10) }.max() ?? 0) + 12)
    let frame = PlotFrame(left: 72, top: 16, width: groupWidth * Double(max(groups.count, 1)), height: 280)
    let title = "\(metric.phrase.prefix(1).uppercased() + metric.phrase.dropFirst()), BP against SDFA"
    let width = figureWidth(plotRight: frame.right, legend: ["SDFA (mean ± std)"], title: title)
    var svg = SVG(width: width, height: frame.bottom + 60)

    func bar(_ group: SeedGroup?) -> BarValue {
      guard let s = group.map({ metric.summary(of: $0).scaled(by: 100) }) else { return BarValue() }
      return BarValue(value: s.mean, spread: s.std)
    }
    let series = [
      BarSeries(label: "BP", color: Palette.method("bp", index: 0), values: comparisons.map { bar($0.baseline) }),
      BarSeries(label: "SDFA", color: Palette.method("sdfa", index: 1), values: comparisons.map { bar($0.proposed) }),
    ]
    let axis = Axis(lower: 0, upper: 100, step: 20)
    let (positions, barWidth) = drawGroupedBars(
      groups: groups, series: series, axis: axis, frame: frame, yTitle: "\(metric == .best ? "Best" : "Final") test accuracy (%)", into: &svg)

    var hasReference = false
    svg.open("g", [("class", "reference")])
    for (g, comparison) in comparisons.enumerated() {
      guard let w = comparison.workload, let r = references.first(where: { $0.matches(w) }) else { continue }
      hasReference = true
      for (s, value) in [r.bp, r.sdfa].enumerated() {
        drawDiamond(x: positions[s][g] + barWidth / 2, y: frame.y(value * 100, axis), into: &svg)
      }
    }
    svg.close("g")
    var legend = series.map { LegendEntry(label: $0.label + " (mean ± std)", color: $0.color) }
    if hasReference { legend.append(LegendEntry(label: "paper", color: "#000000", swatch: .diamond)) }
    drawLegend(legend, x: frame.right + 20, y: frame.top + 4, into: &svg)
    let description = "\(title) per workload; bars are means over seeds, error bars ±1 sample standard deviation\(hasReference ? ", diamonds the paper's numbers" : "")."
    return Figure(identifier: identifier, title: title, svg: svg.document(title: title, description: description), caption: caption(description, provenance, title: title))
  }
}
