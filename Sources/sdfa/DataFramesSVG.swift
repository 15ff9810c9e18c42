import Events
import Foundation

/// One sample's binned frames drawn as an SVG: a grid of T panels for a camera (ON and OFF
/// polarity in two colours), one time × channel heat-map for channel data (SHD, Braille).
///
/// Deterministic: the same frames and captions give the same bytes.
struct FramesSVG {
  /// The first line of the heading (bold) and the second.
  var title: String
  var subtitle: String
  /// Per-step input shape: [2, H, W] (channel 0 OFF, 1 ON, as spikingjelly) or [units].
  var shape: [Int]
  var timeSteps: Int
  /// Dense frames, [timeSteps][features].
  var values: [Float]

  static let on = SVGDocument.Color(r: 214, g: 39, b: 40)
  static let off = SVGDocument.Color(r: 31, g: 119, b: 180)
  static let margin = 16.0
  static let headerHeight = 64.0
  /// The faintest non-zero cell: a single event stays visible.
  static let minimumAlpha = 0.22

  init(title: String, subtitle: String, shape: [Int], timeSteps: Int, values: [Float]) {
    precondition(values.count == timeSteps * shape.reduce(1, *), "values must be [timeSteps][features]")
    self.title = title
    self.subtitle = subtitle
    self.shape = shape
    self.timeSteps = timeSteps
    self.values = values
  }

  /// Sample `sample` of `frames` (its own step count, which varies under `split_by: duration`).
  init(_ frames: FramesContainer, sample: Int, title: String, subtitle: String) {
    let steps = frames.stepCount(sample), f = frames.featureCount
    var dense = frames.denseFrames(sample: sample)
    dense.removeLast((frames.timeSteps - steps) * f)
    self.init(title: title, subtitle: subtitle, shape: frames.inputShape, timeSteps: steps, values: dense)
  }

  func render() -> String {
    shape.count == 3 ? renderCamera() : renderChannels()
  }

  /// Room for a heading line of `text` at `size` px (a generous estimate of glyph widths).
  static func width(of text: String, size: Double) -> Double { Double(text.count) * size * 0.62 }

  func heading(_ svg: inout SVGDocument) {
    svg.text(title, x: Self.margin, y: Self.margin + 15, size: 16, bold: true)
    svg.text(subtitle, x: Self.margin, y: Self.margin + 35, size: 12, fill: "#555555")
  }

  func minimumWidth() -> Double {
    2 * Self.margin + max(Self.width(of: title, size: 16), Self.width(of: subtitle, size: 12))
  }

  // MARK: Camera

  func renderCamera() -> String {
    let (h, w) = (shape[1], shape[2])
    let plane = h * w, f = 2 * plane
    let side = max(w, h)
    let scale = side >= 160 ? 1.0 : Double(160 / side)
    let panelW = Double(w) * scale, panelH = Double(h) * scale
    let gap = 12.0, caption = 18.0
    let maxColumns = max(1, Int((1200 + gap) / (panelW + gap)))
    let rows = max(1, (timeSteps + maxColumns - 1) / maxColumns)
    let columns = max(1, (timeSteps + rows - 1) / rows)
    var peak: Float = 0
    for t in 0..<timeSteps {
      for k in 0..<plane { peak = max(peak, values[t * f + k] + values[t * f + plane + k]) }
    }

    var svg = SVGDocument()
    heading(&svg)
    let top = Self.headerHeight
    for t in 0..<timeSteps {
      let x0 = Self.margin + Double(t % columns) * (panelW + gap)
      let y0 = top + Double(t / columns) * (panelH + caption + gap)
      svg.beginGroup("id=\"t\(t)\"")
      svg.rect(x: x0 - 0.5, y: y0 - 0.5, width: panelW + 1, height: panelH + 1, fill: "#ffffff", stroke: "#9a9a9a")
      var events: Float = 0
      for y in 0..<h {
        // Runs of equal colour along a row become one rectangle.
        var run: (start: Int, color: String)?
        for x in 0...w {
          var color: String?
          if x < w {
            let off = values[t * f + y * w + x], on = values[t * f + plane + y * w + x]
            events += off + on
            if off + on > 0 {
              let alpha = Self.minimumAlpha + (1 - Self.minimumAlpha) * Double((off + on) / peak).squareRoot()
              color = SVGDocument.Color.mix(Self.on, Double(on), Self.off, Double(off)).overWhite(alpha).hex
            }
          }
          if let r = run, r.color != color {
            svg.rect(x: x0 + Double(r.start) * scale, y: y0 + Double(y) * scale, width: Double(x - r.start) * scale,
                     height: scale, fill: r.color)
            run = nil
          }
          if run == nil, let color { run = (x, color) }
        }
      }
      svg.text("t=\(t) · \(Self.count(events)) events", x: x0, y: y0 + panelH + 13, size: 10, fill: "#444444")
      svg.endGroup()
    }

    var y = top + Double(rows) * (panelH + caption + gap) + 4
    let legend = peak > 0
      ? "colour: polarity mix; strength: √(events per pixel ÷ \(Self.count(peak)), the sample's most in one pixel and step)"
      : "no events in this sample"
    svg.rect(x: Self.margin, y: y, width: 12, height: 12, fill: Self.on.hex)
    svg.text("ON (p = 1)", x: Self.margin + 17, y: y + 10.5)
    svg.rect(x: Self.margin + 100, y: y, width: 12, height: 12, fill: Self.off.hex)
    svg.text("OFF (p = 0)", x: Self.margin + 117, y: y + 10.5)
    y += 30
    svg.text(legend, x: Self.margin, y: y - 8, size: 10, fill: "#555555")
    let width = max(2 * Self.margin + Double(columns) * panelW + Double(columns - 1) * gap, minimumWidth(),
                    2 * Self.margin + Self.width(of: legend, size: 10))
    return svg.rendered(width: width.rounded(.up), height: y, title: title + " — " + subtitle)
  }

  // MARK: Channels

  func renderChannels() -> String {
    let units = shape.reduce(1, *)
    let cellW = Double(min(max(720 / max(timeSteps, 1), 3), 32))
    let cellH = Double(min(max(480 / units, 1), 32))
    let axis = 56.0
    let x0 = Self.margin + axis, y0 = Self.headerHeight + 18
    let plotW = cellW * Double(timeSteps), plotH = cellH * Double(units)
    let peak = values.reduce(Float(0)) { max($0, abs($1)) }
    let signed = values.contains { $0 < 0 }
    let integral = values.allSatisfy { $0 == $0.rounded() }

    var svg = SVGDocument()
    heading(&svg)
    svg.rect(x: x0 - 0.5, y: y0 - 0.5, width: plotW + 1, height: plotH + 1, fill: "#ffffff", stroke: "#9a9a9a")
    svg.beginGroup("id=\"cells\"")
    for u in 0..<units {
      // Unit 0 at the bottom, as a raster plot.
      let y = y0 + Double(units - 1 - u) * cellH
      var run: (start: Int, color: String)?
      for t in 0...timeSteps {
        var color: String?
        let v: Float = t < timeSteps ? values[t * units + u] : 0
        if v != 0 {
          let alpha = Self.minimumAlpha + (1 - Self.minimumAlpha) * Double(abs(v) / peak).squareRoot()
          color = (v > 0 ? Self.on : Self.off).overWhite(alpha).hex
        }
        if let r = run, r.color != color {
          svg.rect(x: x0 + Double(r.start) * cellW, y: y, width: Double(t - r.start) * cellW, height: cellH, fill: r.color)
          run = nil
        }
        if run == nil, let color { run = (t, color) }
      }
    }
    svg.endGroup()

    for t in Self.ticks(timeSteps) {
      let x = x0 + (Double(t) + 0.5) * cellW
      svg.rect(x: x - 0.5, y: y0 + plotH, width: 1, height: 4, fill: "#9a9a9a")
      svg.text(String(t), x: x, y: y0 + plotH + 15, size: 10, anchor: .middle, fill: "#444444")
    }
    for u in Self.ticks(units) {
      let y = y0 + (Double(units - 1 - u) + 0.5) * cellH
      svg.rect(x: x0 - 4, y: y - 0.5, width: 4, height: 1, fill: "#9a9a9a")
      svg.text(String(u), x: x0 - 7, y: y + 3.5, size: 10, anchor: .end, fill: "#444444")
    }
    svg.text("time step", x: x0 + plotW / 2, y: y0 + plotH + 30, size: 11, anchor: .middle)
    svg.text("channel", x: Self.margin, y: y0 - 8, size: 11)

    var y = y0 + plotH + 44
    let what = integral && !signed ? "count" : "value"
    let legend: String
    if peak == 0 {
      legend = "no events in this sample"
    } else if signed {
      legend = "red > 0 > blue; strength √(|value| ÷ \(Self.count(peak)), the sample's largest)"
    } else {
      legend = "strength √(\(what) ÷ \(Self.count(peak)), the sample's largest per channel and step)"
    }
    svg.rect(x: Self.margin, y: y, width: 12, height: 12, fill: Self.on.hex)
    if signed {
      svg.rect(x: Self.margin + 14, y: y, width: 12, height: 12, fill: Self.off.hex)
    }
    svg.text(legend, x: Self.margin + (signed ? 32 : 18), y: y + 10.5, size: 10, fill: "#555555")
    y += 26
    let width = max(x0 + plotW + Self.margin, minimumWidth(), 2 * Self.margin + 32 + Self.width(of: legend, size: 10))
    return svg.rendered(width: width.rounded(.up), height: y, title: title + " — " + subtitle)
  }

  /// Tick positions in 0..<n: 0, then multiples of a 1-2-5 step, at most about eight, and
  /// the last index.
  static func ticks(_ n: Int) -> [Int] {
    guard n > 1 else { return n == 1 ? [0] : [] }
    var step = 1
    let steps = [1, 2, 5]
    var decade = 1, i = 0
    while (n - 1) / step > 8 {
      i += 1
      if i == steps.count { i = 0; decade *= 10 }
      step = steps[i] * decade
    }
    var out = Array(stride(from: 0, to: n - 1, by: step))
    // Keep the last index clear of its neighbour's label.
    if let last = out.last, Double(n - 1 - last) < Double(step) * 0.5 { out.removeLast() }
    return out + [n - 1]
  }

  /// `12`, `3.5`: a count or value without trailing zeros.
  static func count(_ v: Float) -> String {
    v == v.rounded() && abs(v) < 1e9 ? grouped(Int(v)) : SVGDocument.number(Double(v))
  }
}
