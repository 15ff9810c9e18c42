/// An SVG figure: a standalone document (valid XML, with title, axes, tick labels and legend)
/// that the HTML report embeds and `results/figures/` stores as `<identifier>.svg`.
public struct Figure: Codable, Hashable, Sendable {
  /// File name stem and HTML anchor.
  public var identifier: String
  public var title: String
  /// The SVG document, UTF-8 text beginning with an XML declaration.
  public var svg: String

  public init(identifier: String, title: String, svg: String) {
    self.identifier = identifier
    self.title = title
    self.svg = svg
  }

  /// The SVG without its XML declaration, for inline use in HTML.
  public var inlineSVG: String {
    guard svg.hasPrefix("<?xml"), let end = svg.firstIndex(of: "\n") else { return svg }
    return String(svg[svg.index(after: end)...])
  }
}

extension Figure {
  /// The figure's title at the top and its provenance, wrapped, at the bottom.
  static func decorate(_ svg: inout SVG, title: String, provenance: ProvenanceSummary?) {
    svg.text(title, x: 16, y: 24, size: 15, [("font-weight", "bold"), ("class", "figure-title")])
    guard let provenance else { return }
    let lines = wrap(provenance.line, width: svg.width - 32, size: 9)
    for (i, line) in lines.enumerated() {
      let y = svg.height - 8 - Double(lines.count - 1 - i) * 11
      svg.text(line, x: 16, y: y, size: 9, [("fill", "#555555"), ("class", "provenance")])
    }
  }

  /// Figure width that fits the plot, a legend of `legend` labels to its right, and the title.
  static func figureWidth(plotRight: Double, legend: [String], title: String) -> Double {
    let legendWidth = (legend.map { SVG.textWidth($0) }.max() ?? 0) + 48
    return max(plotRight + legendWidth, SVG.textWidth(title, size: 15) * 1.1 + 32)
  }

  /// Height the provenance footer needs.
  static func footerHeight(_ provenance: ProvenanceSummary?, width: Double) -> Double {
    guard let provenance else { return 0 }
    return Double(wrap(provenance.line, width: width - 32, size: 9).count) * 11 + 8
  }

  /// Greedy word wrap by estimated text width.
  static func wrap(_ text: String, width: Double, size: Double) -> [String] {
    // Wider than SVG.textWidth's estimate: a cut-off footer is worse than an early break.
    let limit = max(Int(width / (size * 0.62)), 10)
    var lines: [String] = []
    var current = ""
    for word in text.split(separator: " ") {
      if current.isEmpty {
        current = String(word)
      } else if current.count + 1 + word.count <= limit {
        current += " " + word
      } else {
        lines.append(current)
        current = String(word)
      }
    }
    if !current.isEmpty { lines.append(current) }
    return lines
  }
}

/// One bar of a grouped bar chart: a value with an optional ± spread.
struct BarValue {
  var value: Double?
  var spread: Double?
}

/// A grouped bar chart's series: one bar per group.
struct BarSeries {
  var label: String
  var color: String
  var values: [BarValue]
}

extension Figure {
  /// Grouped bars with error bars; draws into `svg` within `frame`, one `<g class="series">`
  /// per series holding one `<rect class="bar">` per finite value.
  static func drawGroupedBars(
    groups: [[String]], series: [BarSeries], axis: Axis, frame: PlotFrame, yTitle: String,
    into svg: inout SVG
  ) -> (barX: [[Double]], barWidth: Double) {
    frame.drawYAxis(axis, title: yTitle, into: &svg)
    let groupWidth = frame.width / Double(max(groups.count, 1))
    let barWidth = min(40, groupWidth * 0.8 / Double(max(series.count, 1)))
    var positions: [[Double]] = Array(repeating: [], count: series.count)
    let zero = frame.y(max(axis.lower, min(0, axis.upper)), axis)
    for (s, item) in series.enumerated() {
      svg.open("g", [("class", "series"), ("data-label", item.label)])
      for (g, bar) in item.values.enumerated() where g < groups.count {
        let center = frame.left + (Double(g) + 0.5) * groupWidth
        let x = center - Double(series.count) * barWidth / 2 + Double(s) * barWidth
        positions[s].append(x)
        guard let v = bar.value, v.isFinite else { continue }
        let y = frame.y(min(max(v, axis.lower), axis.upper), axis)
        svg.rect(
          x: x + 1, y: min(y, zero), width: barWidth - 2, height: abs(zero - y),
          [("class", "bar"), ("fill", item.color)])
        if let spread = bar.spread, spread.isFinite, spread > 0 {
          let hi = frame.y(min(v + spread, axis.upper), axis), lo = frame.y(max(v - spread, axis.lower), axis)
          let mid = x + barWidth / 2
          svg.path(
            [(mid - 4, hi), (mid + 4, hi), (mid, hi), (mid, lo), (mid - 4, lo), (mid + 4, lo)],
            [("class", "error-bar"), ("fill", "none"), ("stroke", "#222222"), ("stroke-width", "1.2")])
        }
      }
      svg.close("g")
    }
    frame.drawXBaseline(title: nil, into: &svg)
    svg.open("g", [("class", "x-axis")])
    for (g, lines) in groups.enumerated() {
      let center = frame.left + (Double(g) + 0.5) * groupWidth
      for (i, line) in lines.enumerated() {
        svg.text(line, x: center, y: frame.bottom + 16 + Double(i) * 13, anchor: "middle", size: 10, [("class", "tick-label")])
      }
    }
    svg.close("g")
    return (positions, barWidth)
  }

  /// Two label lines for a workload: dataset, then model and setup.
  static func workloadLabel(_ workload: Workload?, coordinates: [Coordinate]) -> [String] {
    if let w = workload { return [w.dataset, [w.model, w.setup].compactMap { $0 }.joined(separator: " ")] }
    let text = coordinates.map(\.value).joined(separator: " ")
    return [text.isEmpty ? "all" : text]
  }
}
