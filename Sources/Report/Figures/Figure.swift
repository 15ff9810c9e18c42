/// An SVG figure: a standalone document (valid XML, with title, axes, tick labels and legend)
/// that the HTML report embeds and `results/figures/` stores as `<identifier>.svg`.
public struct Figure: Codable, Hashable, Sendable {
  /// File name stem and HTML anchor.
  public var identifier: String
  public var title: String
  /// The SVG document, UTF-8 text beginning with an XML declaration.
  public var svg: String
  /// What the figure shows and where its numbers come from, for the HTML page's caption and a
  /// paper's `\caption` (the graphic itself carries no title or provenance).
  public var caption: String

  public init(identifier: String, title: String, svg: String, caption: String = "") {
    self.identifier = identifier
    self.title = title
    self.svg = svg
    self.caption = caption
  }

  /// The SVG without its XML declaration, for inline use in HTML.
  public var inlineSVG: String {
    guard svg.hasPrefix("<?xml"), let end = svg.firstIndex(of: "\n") else { return svg }
    return String(svg[svg.index(after: end)...])
  }
}

extension Figure {
  /// Figure width that fits the plot and a legend of `legend` labels to its right. Titles
  /// and provenance are not drawn: they go in the caption (HTML, LaTeX), where a paper puts them.
  static func figureWidth(plotRight: Double, legend: [String], title: String) -> Double {
    plotRight + (legend.map { SVG.textWidth($0) }.max() ?? 0) + 48
  }

  /// The caption text after the title: what the figure shows (the description without the
  /// title it starts with), then where its numbers come from.
  static func caption(_ description: String, _ provenance: ProvenanceSummary?, title: String) -> String {
    var text = Substring(description)
    if text.hasPrefix(title) {
      text = text.dropFirst(title.count).drop { ":;,. ".contains($0) }
    }
    let explanation = text.prefix(1).uppercased() + text.dropFirst()
    return [explanation.isEmpty ? nil : explanation, provenance?.line].compactMap { $0 }.joined(separator: " ")
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
        svg.text(line, x: center, y: frame.bottom + 17 + Double(i) * 15, anchor: "middle", size: 12, [("class", "tick-label")])
      }
    }
    svg.close("g")
    return (positions, barWidth)
  }

  /// The label lines of a group: its coordinates (`tau = 2`, one per line) where it has any,
  /// otherwise the workload's dataset, then model and setup.
  static func workloadLabel(_ workload: Workload?, coordinates: [Coordinate]) -> [String] {
    if !coordinates.isEmpty { return coordinates.map(\.readable) }
    if let w = workload { return [w.dataset, [w.model, w.setup].compactMap { $0 }.joined(separator: " ")] }
    let text = coordinates.map(\.value).joined(separator: " ")
    return [text.isEmpty ? "all" : text]
  }
}

/// A legend name for people: `feedback_matrix_read` → `feedback matrix read`.
func readableName(_ name: String) -> String {
  String(name.map { $0 == "_" ? " " : $0 })
}
