import Foundation

/// A linear axis with "nice" ticks (steps of 1, 2 or 5 times a power of ten).
struct Axis {
  var lower: Double
  var upper: Double
  var step: Double

  /// Ticks covering `[min, max]` with about `target` intervals; the range widens to whole steps.
  init(min: Double, max: Double, target: Int = 5) {
    var lo = min.isFinite ? min : 0, hi = max.isFinite ? max : 1
    if hi < lo { swap(&lo, &hi) }
    if hi - lo < 1e-12 {
      let pad = abs(lo) > 1e-12 ? abs(lo) * 0.1 : 1
      lo -= pad
      hi += pad
    }
    let rough = (hi - lo) / Double(Swift.max(target, 1))
    let magnitude = pow(10, floor(log10(rough)))
    let normalized = rough / magnitude
    step = (normalized < 1.5 ? 1 : normalized < 3 ? 2 : normalized < 7 ? 5 : 10) * magnitude
    lower = floor(lo / step + 1e-9) * step
    upper = ceil(hi / step - 1e-9) * step
  }

  /// An axis with fixed bounds and step.
  init(lower: Double, upper: Double, step: Double) {
    self.lower = lower
    self.upper = upper
    self.step = step
  }

  var ticks: [Double] {
    let count = Int(((upper - lower) / step).rounded())
    return (0...Swift.max(count, 0)).map { lower + Double($0) * step }
  }

  func label(_ value: Double) -> String { NumberText.tick(value, step: step) }

  /// Maps `value` into `[from, to]` (pixels; `to` may be smaller, for y going up).
  func map(_ value: Double, from: Double, to: Double) -> Double {
    from + (value - lower) / (upper - lower) * (to - from)
  }
}

/// The plot rectangle inside a figure, with the drawing of frame, grid, ticks and titles.
struct PlotFrame {
  var left: Double
  var top: Double
  var width: Double
  var height: Double
  var right: Double { left + width }
  var bottom: Double { top + height }

  func y(_ value: Double, _ axis: Axis) -> Double { axis.map(value, from: bottom, to: top) }
  func x(_ value: Double, _ axis: Axis) -> Double { axis.map(value, from: left, to: right) }

  /// Horizontal grid lines and labelled ticks on the left, the y title rotated beside them.
  func drawYAxis(_ axis: Axis, title: String, into svg: inout SVG) {
    svg.open("g", [("class", "y-axis")])
    for tick in axis.ticks {
      let y = self.y(tick, axis)
      svg.line(x1: left, y1: y, x2: right, y2: y, [("stroke", "#dddddd"), ("stroke-width", "1")])
      svg.line(x1: left - 5, y1: y, x2: left, y2: y, [("stroke", "#333333")])
      svg.text(axis.label(tick), x: left - 8, y: y + 4, anchor: "end", size: 12, [("class", "tick-label")])
    }
    svg.line(x1: left, y1: top, x2: left, y2: bottom, [("stroke", "#333333")])
    svg.text(title, x: left - 44, y: top + height / 2, anchor: "middle", size: 13, rotate: -90, [("class", "axis-title")])
    svg.close("g")
  }

  /// The x axis line and its title.
  func drawXBaseline(title: String?, into svg: inout SVG) {
    svg.line(x1: left, y1: bottom, x2: right, y2: bottom, [("stroke", "#333333")])
    if let title {
      svg.text(title, x: left + width / 2, y: bottom + 40, anchor: "middle", size: 13, [("class", "axis-title")])
    }
  }

  /// Labelled ticks along the bottom for a numeric x axis.
  func drawXAxis(_ axis: Axis, title: String, into svg: inout SVG) {
    svg.open("g", [("class", "x-axis")])
    for tick in axis.ticks {
      let x = self.x(tick, axis)
      svg.line(x1: x, y1: bottom, x2: x, y2: bottom + 5, [("stroke", "#333333")])
      svg.text(axis.label(tick), x: x, y: bottom + 18, anchor: "middle", size: 12, [("class", "tick-label")])
    }
    drawXBaseline(title: title, into: &svg)
    svg.close("g")
  }
}

/// One legend line: a swatch and its label.
struct LegendEntry {
  enum Swatch { case square, diamond }
  var label: String
  var color: String
  var opacity: Double = 1
  var swatch: Swatch = .square
}

/// A legend of swatches, one per line, at (x, y).
func drawLegend(_ entries: [LegendEntry], x: Double, y: Double, into svg: inout SVG) {
  svg.open("g", [("class", "legend")])
  for (i, entry) in entries.enumerated() {
    let top = y + Double(i) * 18
    switch entry.swatch {
    case .square:
      var attrs = [("fill", entry.color)]
      if entry.opacity < 1 { attrs.append(("fill-opacity", SVG.n(entry.opacity))) }
      svg.rect(x: x, y: top, width: 12, height: 12, attrs)
    case .diamond:
      drawDiamond(x: x + 6, y: top + 6, into: &svg)
    }
    svg.text(entry.label, x: x + 18, y: top + 10, size: 13)
  }
  svg.close("g")
}

/// The marker of a published value: a white diamond outlined in black.
func drawDiamond(x: Double, y: Double, into svg: inout SVG) {
  svg.path(
    [(x, y - 5), (x + 5, y), (x, y + 5), (x - 5, y)], closed: true,
    [("fill", "#ffffff"), ("stroke", "#000000"), ("stroke-width", "1.5")])
}
