extension Figure {
  /// A metric against a numeric swept axis: one line per pivot value (and per combination
  /// of the other varying axes), the mean over seeds with a ±1 std band. The legend sits
  /// under the plot, so that the figure stays narrow enough for `\columnwidth`.
  public static func metricVersusAxis(
    _ groups: [SeedGroup], layout: SweepLayout, axis: SweepLayout.Dimension, metric: AccuracyMetric = .best,
    provenance: ProvenanceSummary? = nil
  ) -> Figure {
    // Series: everything that varies except the x axis, in order of first appearance.
    let others = layout.axes.filter { $0.values.count > 1 && $0.label != axis.label }
    var order: [[Coordinate]] = []
    var members: [[Coordinate]: [(x: Double, summary: Summary)]] = [:]
    for group in groups {
      guard let raw = group.value(of: axis.label), let x = Double(raw) else { continue }
      let key = others.compactMap { a in group.coordinates.first { $0.axis == a.label } }
      if members[key] == nil { order.append(key) }
      members[key, default: []].append((x, metric.summary(of: group).scaled(by: 100)))
    }
    let series = order.enumerated().map { i, key -> (label: String, color: String, points: [(x: Double, summary: Summary)]) in
      let pivot = key.first { $0.axis == layout.pivot?.label }
      let label = key.map { $0.axis == layout.pivot?.label ? layout.pivotHeader($0.value) : $0.readable }.joined(separator: ", ")
      let color = pivot.map { Palette.method($0.value, index: i) } ?? Palette.color(i)
      return (label.isEmpty ? "all runs" : label, color, members[key]!.sorted { $0.x < $1.x })
    }
    let xs = series.flatMap { $0.points.map(\.x) }
    var lows: [Double] = [], highs: [Double] = []
    for s in series { for p in s.points { if let m = p.summary.mean { lows.append(m - (p.summary.std ?? 0)); highs.append(m + (p.summary.std ?? 0)) } } }
    var (low, high) = (lows.min() ?? 0, highs.max() ?? 100)
    if high - low < 10 { let mid = (low + high) / 2; (low, high) = (mid - 5, mid + 5) }
    let yAxis = Axis(min: max(low, 0), max: min(high, 100))
    let xAxis = Axis(min: xs.min() ?? 0, max: xs.max() ?? 1)
    let frame = PlotFrame(left: 64, top: 12, width: 300, height: 200)
    let legend = series.map { LegendEntry(label: $0.label, color: $0.color) } + [LegendEntry(label: "band: ±1 std over seeds", color: "#888888", opacity: 0.3)]
    let legendTop = frame.bottom + 52
    var svg = SVG(width: frame.right + 16, height: legendTop + Double(legend.count) * 18 + 4)
    frame.drawYAxis(yAxis, title: "\(metric == .best ? "Best" : "Final") test accuracy (%)", into: &svg)
    frame.drawXAxis(xAxis, title: axis.label, into: &svg)
    let clampY = { (v: Double) in frame.y(min(max(v, yAxis.lower), yAxis.upper), yAxis) }
    for (i, s) in series.enumerated() {
      let points = s.points.compactMap { p -> (x: Double, mean: Double, sd: Double)? in
        p.summary.mean.map { (frame.x(p.x, xAxis), $0, p.summary.std ?? 0) }
      }
      svg.open("g", [("class", "series"), ("data-label", s.label)])
      if points.contains(where: { $0.sd > 0 }) {
        let band = points.map { ($0.x, clampY($0.mean + $0.sd)) } + points.reversed().map { ($0.x, clampY($0.mean - $0.sd)) }
        svg.path(band, closed: true, [("class", "band"), ("fill", s.color), ("fill-opacity", "0.2"), ("stroke", "none")])
      }
      var style = [("class", "mean"), ("fill", "none"), ("stroke", s.color), ("stroke-width", "2")]
      if i % 2 == 1 { style.append(("stroke-dasharray", "7 4")) }
      svg.path(points.map { ($0.x, clampY($0.mean)) }, style)
      for p in points { svg.circle(cx: p.x, cy: clampY(p.mean), r: 3, [("fill", s.color)]) }
      svg.close("g")
    }
    drawLegend(legend, x: frame.left, y: legendTop, into: &svg)
    let title = "\(metric == .best ? "Best" : "Final") test accuracy against \(axis.label)"
    let description = "\(title): lines join the means over seeds, bands span ±1 sample standard deviation."
    return Figure(identifier: "accuracy-vs-" + slug(axis.label), title: title,
                  svg: svg.document(title: title, description: description), caption: caption(description, provenance, title: title))
  }

  /// Grouped bars of a sweep: one group per row key, labelled by its coordinates (or by the
  /// workload where no other axis varies), one bar per pivot value; the paper's numbers as
  /// diamonds where the pivot is the method and the workload is one of the paper's.
  public static func sweepBars(
    _ groups: [SeedGroup], layout: SweepLayout, metric: AccuracyMetric = .best,
    references: [ReferenceAccuracy] = ReferenceAccuracy.paper, provenance: ProvenanceSummary? = nil
  ) -> Figure {
    let rows = SweepRows(groups, layout: layout)
    let labels = rows.keys.map { workloadLabel(rows.workload($0), coordinates: $0) }
    let pivotValues = layout.pivot?.values ?? []
    let groupWidth = max(80.0, (labels.flatMap { $0 }.map { SVG.textWidth($0, size: 12) }.max() ?? 0) + 12)
    let frame = PlotFrame(left: 64, top: 12, width: groupWidth * Double(max(labels.count, 1)), height: 200)
    let lines = labels.map(\.count).max() ?? 1
    func bar(_ g: SeedGroup?) -> BarValue {
      guard let s = g.map({ metric.summary(of: $0).scaled(by: 100) }) else { return BarValue() }
      return BarValue(value: s.mean, spread: s.std)
    }
    let series = (pivotValues.isEmpty ? [nil] : pivotValues.map { Optional($0) }).enumerated().map { i, value in
      BarSeries(label: value.map(layout.pivotHeader) ?? "accuracy", color: value.map { Palette.method($0, index: i) } ?? Palette.color(i),
                values: rows.keys.map { bar(rows.group($0, pivot: value)) })
    }
    var legend = series.map { LegendEntry(label: $0.label + " (mean ± std)", color: $0.color) }
    let matched = rows.keys.map { key in layout.pivotIsMethod ? rows.workload(key).flatMap { w in references.first { $0.matches(w) } } : nil }
    if matched.contains(where: { $0 != nil }) { legend.append(LegendEntry(label: "paper", color: "#000000", swatch: .diamond)) }
    let legendTop = frame.bottom + 24 + Double(lines) * 15
    var svg = SVG(width: max(frame.right + 16, frame.left + 220), height: legendTop + Double(legend.count) * 18 + 4)
    let axis = Axis(lower: 0, upper: 100, step: 20)
    let (positions, barWidth) = drawGroupedBars(groups: labels, series: series, axis: axis, frame: frame,
                                                yTitle: "\(metric == .best ? "Best" : "Final") test accuracy (%)", into: &svg)
    svg.open("g", [("class", "reference")])
    for (g, reference) in matched.enumerated() {
      guard let r = reference else { continue }
      for (s, value) in pivotValues.enumerated() where value == "bp" || value == "sdfa" {
        drawDiamond(x: positions[s][g] + barWidth / 2, y: frame.y((value == "bp" ? r.bp : r.sdfa) * 100, axis), into: &svg)
      }
    }
    svg.close("g")
    drawLegend(legend, x: frame.left, y: legendTop, into: &svg)
    let title = layout.pivotIsMethod ? "\(metric == .best ? "Best" : "Final") test accuracy, BP against SDFA" : "\(metric == .best ? "Best" : "Final") test accuracy"
    let description = "\(title); bars are means over seeds, error bars ±1 sample standard deviation\(matched.contains { $0 != nil } ? ", diamonds the paper's numbers" : "")."
    return Figure(identifier: "accuracy-bars", title: title, svg: svg.document(title: title, description: description),
                  caption: caption(description, provenance, title: title))
  }

  /// Learning curves of one row key, one line per pivot value; named and titled by the key's
  /// coordinates (`curves-tau-2`, "Test accuracy per epoch, tau = 2").
  public static func sweepCurves(
    _ groups: [SeedGroup], key: [Coordinate], layout: SweepLayout, metric: CurveMetric = .testAccuracy,
    provenance: ProvenanceSummary? = nil
  ) -> Figure {
    let rows = SweepRows(groups, layout: layout)
    let pivotValues = layout.pivot?.values ?? []
    let series = (pivotValues.isEmpty ? [nil] : pivotValues.map { Optional($0) }).enumerated().compactMap { i, value -> CurveSeries? in
      guard let g = rows.group(key, pivot: value) else { return nil }
      let name = value.map(layout.pivotHeader) ?? "mean"
      return CurveSeries(label: "\(name) (n=\(g.seeds.count))", points: metric.points(of: g),
                         color: value.map { Palette.method($0, index: i) } ?? Palette.color(i))
    }
    let what = metric.axisTitle.split(separator: "(")[0].trimmingSpaces()
    let title = key.isEmpty ? "\(what) per epoch" : "\(what) per epoch, " + key.map(\.readable).joined(separator: ", ")
    let identifier = "curves" + (key.isEmpty ? "" : "-" + slug(key.map { "\($0.axis)-\($0.value)" }.joined(separator: "-")))
      + (metric == .testAccuracy ? "" : "-" + slug(metric.rawValue))
    return learningCurves(series: series, title: title, metric: metric, provenance: provenance, identifier: identifier)
  }
}
