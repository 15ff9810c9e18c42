/// One line of a learning-curve figure: a metric's per-epoch summary over seeds.
public struct CurveSeries: Codable, Hashable, Sendable {
  public var label: String
  public var points: [CurvePoint]
  /// CSS colour; nil picks from the palette (BP blue, SDFA vermilion).
  public var color: String?

  public init(label: String, points: [CurvePoint], color: String? = nil) {
    self.label = label
    self.points = points
    self.color = color
  }
}

/// The per-epoch quantity a learning curve shows.
public enum CurveMetric: String, Codable, Hashable, Sendable, CaseIterable {
  case testAccuracy, testLoss, trainAccuracy, trainLoss

  public func points(of group: SeedGroup) -> [CurvePoint] {
    switch self {
    case .testAccuracy: group.testAccuracyCurve
    case .testLoss: group.testLossCurve
    case .trainAccuracy: group.trainAccuracyCurve
    case .trainLoss: group.trainLossCurve
    }
  }

  public var isAccuracy: Bool { self == .testAccuracy || self == .trainAccuracy }

  /// Axis title: `Test accuracy (%)`, `Training loss`.
  public var axisTitle: String {
    switch self {
    case .testAccuracy: "Test accuracy (%)"
    case .testLoss: "Test loss"
    case .trainAccuracy: "Training accuracy (%)"
    case .trainLoss: "Training loss"
    }
  }
}

extension Figure {
  /// Learning curves of one workload, BP against SDFA: mean over seeds as a line and ±1 sample
  /// standard deviation as a band.
  public static func learningCurves(
    _ comparison: MethodComparison, metric: CurveMetric = .testAccuracy, provenance: ProvenanceSummary? = nil,
    identifier: String? = nil
  ) -> Figure {
    var series: [CurveSeries] = []
    for (name, group) in [("BP", comparison.baseline), ("SDFA", comparison.proposed)] {
      guard let group else { continue }
      series.append(CurveSeries(label: "\(name) (n=\(group.seeds.count))", points: metric.points(of: group), color: Palette.method(name, index: series.count)))
    }
    let workload = workloadLabel(comparison.workload, coordinates: comparison.coordinates).joined(separator: " ")
    return learningCurves(
      series: series, title: "\(metric.axisTitle.split(separator: "(")[0].trimmingSpaces()), \(workload)",
      metric: metric, provenance: provenance,
      identifier: identifier ?? "curves-" + slug(workload) + "-" + slug(metric.rawValue))
  }

  /// Learning curves of any series; accuracies (fractions) are drawn in percent.
  public static func learningCurves(
    series: [CurveSeries], title: String, metric: CurveMetric, provenance: ProvenanceSummary? = nil,
    identifier: String
  ) -> Figure {
    let scale = metric.isAccuracy ? 100.0 : 1.0
    let frame = PlotFrame(left: 64, top: 12, width: 300, height: 200)
    let legend = series.enumerated().map { LegendEntry(label: $1.label, color: $1.color ?? Palette.method($1.label, index: $0)) }
      + [LegendEntry(label: "band: ±1 std over seeds", color: "#888888", opacity: 0.3)]
    // The legend under the plot keeps the figure narrow enough for \columnwidth.
    let legendTop = frame.bottom + 52
    var svg = SVG(width: frame.right + 16, height: legendTop + Double(legend.count) * 18 + 4)

    var lows: [Double] = [], highs: [Double] = [], epochs: [Double] = []
    for s in series {
      for p in s.points {
        guard let m = p.summary.mean else { continue }
        let sd = p.summary.std ?? 0
        lows.append((m - sd) * scale)
        highs.append((m + sd) * scale)
        epochs.append(Double(p.epoch))
      }
    }
    // A minimum span, so that a flat curve (a run stuck at chance) is not zoomed into noise.
    var (low, high) = (lows.min() ?? 0, highs.max() ?? 1)
    let minimumSpan = metric.isAccuracy ? 10 : max(0.1 * abs(high), 1e-3)
    if high - low < minimumSpan {
      let middle = (low + high) / 2
      (low, high) = (max(middle - minimumSpan / 2, min(0, lows.min() ?? 0)), middle + minimumSpan / 2)
    }
    var yAxis = Axis(min: low, max: high)
    if metric.isAccuracy {
      yAxis = Axis(min: max(yAxis.lower, 0), max: min(yAxis.upper, 100))
    }
    var xAxis = Axis(min: epochs.min() ?? 1, max: epochs.max() ?? 2)
    if xAxis.step < 1 { xAxis = Axis(lower: xAxis.lower.rounded(.down), upper: max(xAxis.upper.rounded(.up), xAxis.lower.rounded(.down) + 1), step: 1) }

    frame.drawYAxis(yAxis, title: metric.axisTitle, into: &svg)
    frame.drawXAxis(xAxis, title: "Epoch", into: &svg)

    for (i, s) in series.enumerated() {
      let color = s.color ?? Palette.method(s.label, index: i)
      let points = s.points.compactMap { p -> (x: Double, mean: Double, sd: Double?)? in
        guard let m = p.summary.mean else { return nil }
        return (frame.x(Double(p.epoch), xAxis), m * scale, p.summary.std.map { $0 * scale })
      }
      svg.open("g", [("class", "series"), ("data-label", s.label)])
      if points.contains(where: { $0.sd != nil }) {
        let clamp = { (v: Double) in frame.y(min(max(v, yAxis.lower), yAxis.upper), yAxis) }
        let upper = points.map { ($0.x, clamp($0.mean + ($0.sd ?? 0))) }
        let lower = points.reversed().map { ($0.x, clamp($0.mean - ($0.sd ?? 0))) }
        svg.path(upper + lower, closed: true, [("class", "band"), ("fill", color), ("fill-opacity", "0.2"), ("stroke", "none")])
      }
      let line = points.map { ($0.x, frame.y(min(max($0.mean, yAxis.lower), yAxis.upper), yAxis)) }
      // Every other series dashed: where two methods coincide, both stay visible.
      var style = [("class", "mean"), ("fill", "none"), ("stroke", color), ("stroke-width", "2")]
      if i % 2 == 1 { style.append(("stroke-dasharray", "7 4")) }
      svg.path(line, style)
      if line.count == 1 {
        svg.circle(cx: line[0].0, cy: line[0].1, r: 3, [("fill", color)])
      }
      svg.close("g")
    }
    drawLegend(legend, x: frame.left, y: legendTop, into: &svg)
    let description = "\(title). Lines: mean over seeds; bands: ±1 sample standard deviation."
    return Figure(identifier: identifier, title: title, svg: svg.document(title: title, description: description), caption: caption(description, provenance, title: title))
  }
}

/// `N-MNIST MLP 2 FC` → `n-mnist-mlp-2-fc`: lowercase letters, digits and single dashes.
func slug(_ s: String) -> String {
  var out = ""
  for c in s.lowercased() {
    if (c.isLetter || c.isNumber) && c.isASCII { out.append(c) } else if !out.hasSuffix("-") && !out.isEmpty { out.append("-") }
  }
  while out.hasSuffix("-") { out.removeLast() }
  return out.isEmpty ? "figure" : out
}

extension Substring {
  func trimmingSpaces() -> String {
    String(self.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
  }
}
