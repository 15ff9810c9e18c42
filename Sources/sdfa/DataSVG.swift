import Foundation
import Report

/// A minimal SVG document writer: escaped text, numbers printed the same way on every
/// platform (at most two decimals, no locale), elements in the order they are added.
struct SVGDocument {
  private(set) var elements: [String] = []

  /// An sRGB colour, `#rrggbb`.
  struct Color: Equatable {
    var r: Double, g: Double, b: Double

    static let white = Color(r: 255, g: 255, b: 255)

    /// `self` laid over white with opacity `alpha` (0…1), as one opaque colour.
    func overWhite(_ alpha: Double) -> Color {
      let a = min(max(alpha, 0), 1)
      return Color(r: 255 + (r - 255) * a, g: 255 + (g - 255) * a, b: 255 + (b - 255) * a)
    }

    /// The weighted mean of two colours.
    static func mix(_ a: Color, _ wa: Double, _ b: Color, _ wb: Double) -> Color {
      let w = wa + wb
      return Color(r: (a.r * wa + b.r * wb) / w, g: (a.g * wa + b.g * wb) / w, b: (a.b * wa + b.b * wb) / w)
    }

    var hex: String {
      func byte(_ v: Double) -> String {
        let s = String(Int(min(max(v.rounded(), 0), 255)), radix: 16)
        return s.count == 1 ? "0" + s : s
      }
      return "#" + byte(r) + byte(g) + byte(b)
    }
  }

  /// `1`, `2.5`, `0.33`: at most two decimals, no exponent.
  static func number(_ x: Double) -> String {
    let hundredths = Int((x * 100).rounded())
    let whole = hundredths / 100, frac = abs(hundredths % 100)
    let sign = hundredths < 0 && whole == 0 ? "-" : ""
    if frac == 0 { return sign + String(whole) }
    return sign + String(whole) + "." + (frac % 10 == 0 ? String(frac / 10) : (frac < 10 ? "0" : "") + String(frac))
  }

  mutating func rect(x: Double, y: Double, width: Double, height: Double, fill: String, stroke: String? = nil) {
    let n = Self.number
    var e = "<rect x=\"\(n(x))\" y=\"\(n(y))\" width=\"\(n(width))\" height=\"\(n(height))\" fill=\"\(fill)\""
    if let stroke { e += " stroke=\"\(stroke)\" stroke-width=\"1\"" }
    elements.append(e + "/>")
  }

  enum Anchor: String { case start, middle, end }

  mutating func text(
    _ content: String, x: Double, y: Double, size: Double = 11, anchor: Anchor = .start, bold: Bool = false,
    fill: String = "#222222"
  ) {
    let n = Self.number
    var e = "<text x=\"\(n(x))\" y=\"\(n(y))\" font-size=\"\(n(size))\""
    if anchor != .start { e += " text-anchor=\"\(anchor.rawValue)\"" }
    if bold { e += " font-weight=\"bold\"" }
    if fill != "#222222" { e += " fill=\"\(fill)\"" }
    elements.append(e + ">\(HTML.escape(content))</text>")
  }

  /// Opens a group (`<g>`); close it with ``endGroup()``.
  mutating func beginGroup(_ attributes: String = "") {
    elements.append(attributes.isEmpty ? "<g>" : "<g \(attributes)>")
  }

  mutating func endGroup() { elements.append("</g>") }

  /// The whole document, `width` × `height` px on a white background, with `title` as its
  /// accessible name.
  func rendered(width: Double, height: Double, title: String) -> String {
    let n = Self.number
    var out = """
      <?xml version="1.0" encoding="UTF-8"?>
      <svg xmlns="http://www.w3.org/2000/svg" width="\(n(width))" height="\(n(height))" \
      viewBox="0 0 \(n(width)) \(n(height))" font-family="DejaVu Sans, Helvetica, Arial, sans-serif" \
      shape-rendering="crispEdges">
      <title>\(HTML.escape(title))</title>
      <rect width="100%" height="100%" fill="#ffffff"/>

      """
    for e in elements { out += e + "\n" }
    return out + "</svg>\n"
  }
}
