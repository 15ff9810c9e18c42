import Foundation
import Hardware

/// The sensitivity study's figure: per workload, the time and energy ratio at the default (dot)
/// and its range over the grid (bar), on log axes, with the paper's bands shaded.
enum SensitivityFigure {
  static func svg(_ results: [WorkloadSensitivity], timeBand: [Double], energyBand: [Double]) -> String {
    let rowHeight = 26.0, labelWidth = 130.0, panelWidth = 300.0, gap = 40.0, top = 60.0
    let width = labelWidth + 2 * panelWidth + gap + 30
    let height = top + rowHeight * Double(results.count) + 60
    var body: [String] = []
    func n(_ x: Double) -> String { String(format: "%.1f", x) }
    func esc(_ s: String) -> String { s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;") }
    body.append("<text x=\"16\" y=\"24\" font-size=\"15\" font-weight=\"bold\">PipeLayer / PipeSDFA ratio: default (dot) and range over the assumption grid (bar)</text>")
    let panels: [(String, [Double], (WorkloadSensitivity) -> (Double, ClosedRange<Double>))] = [
      ("Time ratio", timeBand, { ($0.defaultRatio.time, $0.gridTime) }),
      ("Energy ratio", energyBand, { ($0.defaultRatio.energy, $0.gridEnergy) }),
    ]
    for (p, (title, band, value)) in panels.enumerated() {
      let x0 = labelWidth + Double(p) * (panelWidth + gap)
      let values = results.flatMap { r -> [Double] in let v = value(r); return [v.1.lowerBound, v.1.upperBound] } + band
      let lo = Foundation.log10(max(0.5, (values.min() ?? 1) * 0.9)), hi = Foundation.log10((values.max() ?? 10) * 1.1)
      func x(_ v: Double) -> Double { x0 + (Foundation.log10(v) - lo) / (hi - lo) * panelWidth }
      let bottom = top + rowHeight * Double(results.count)
      body.append("<text x=\"\(n(x0))\" y=\"\(n(top - 20))\" font-size=\"12\" font-weight=\"bold\">\(title) (log scale; shaded: paper \(String(format: "%.3g", band[0]))–\(String(format: "%.3g", band[1]))×)</text>")
      body.append("<rect x=\"\(n(x(band[0])))\" y=\"\(n(top - 6))\" width=\"\(n(x(band[1]) - x(band[0])))\" height=\"\(n(bottom - top + 6))\" fill=\"#009E73\" fill-opacity=\"0.15\"/>")
      for tick in [0.5, 1, 2, 5, 10, 20, 50, 100] where Foundation.log10(tick) >= lo && Foundation.log10(tick) <= hi {
        body.append("<line x1=\"\(n(x(tick)))\" y1=\"\(n(top - 6))\" x2=\"\(n(x(tick)))\" y2=\"\(n(bottom))\" stroke=\"#ccc\"/>")
        body.append("<text x=\"\(n(x(tick)))\" y=\"\(n(bottom + 16))\" font-size=\"10\" text-anchor=\"middle\">\(String(format: "%g", tick))×</text>")
      }
      for (i, r) in results.enumerated() {
        let y = top + rowHeight * (Double(i) + 0.5)
        let (d, range) = value(r)
        if p == 0 {
          body.append("<text x=\"\(n(labelWidth - 8))\" y=\"\(n(y + 4))\" font-size=\"11\" text-anchor=\"end\">\(esc(r.workload))</text>")
        }
        body.append("<line x1=\"\(n(x(range.lowerBound)))\" y1=\"\(n(y))\" x2=\"\(n(x(range.upperBound)))\" y2=\"\(n(y))\" stroke=\"#0072B2\" stroke-width=\"6\" stroke-opacity=\"0.5\"/>")
        body.append("<circle cx=\"\(n(x(d)))\" cy=\"\(n(y))\" r=\"4\" fill=\"#D55E00\"/>")
      }
    }
    body.append("<text x=\"16\" y=\"\(n(height - 12))\" font-size=\"9\">Full reference-config shapes; activity per workload as in the table (measured where a trained run exists, else a stated nominal rate).</text>")
    return """
      <svg xmlns="http://www.w3.org/2000/svg" width="\(n(width))" height="\(n(height))" viewBox="0 0 \(n(width)) \(n(height))" font-family="sans-serif">
      <title>Sensitivity of the hardware ratios</title>
      \(body.joined(separator: "\n"))
      </svg>

      """
  }
}
