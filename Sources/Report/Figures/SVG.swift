/// A minimal SVG writer: elements appended as text, coordinates rounded to 0.01 so output is
/// byte-identical across machines.
struct SVG {
  let width: Double
  let height: Double
  private(set) var body: [String] = []

  init(width: Double, height: Double) {
    self.width = width
    self.height = height
  }

  static func n(_ x: Double) -> String {
    var text = NumberText.fixed(x, 2)
    if text.contains(".") {
      while text.hasSuffix("0") { text.removeLast() }
      if text.hasSuffix(".") { text.removeLast() }
    }
    return text == "-0" ? "0" : text
  }

  static func attributes(_ pairs: [(String, String)]) -> String {
    pairs.map { " \($0.0)=\"\(HTML.escape($0.1))\"" }.joined()
  }

  mutating func raw(_ line: String) { body.append(line) }

  mutating func open(_ name: String, _ attrs: [(String, String)] = []) {
    body.append("<\(name)\(Self.attributes(attrs))>")
  }

  mutating func close(_ name: String) { body.append("</\(name)>") }

  mutating func rect(x: Double, y: Double, width: Double, height: Double, _ attrs: [(String, String)] = []) {
    body.append(
      "<rect x=\"\(Self.n(x))\" y=\"\(Self.n(y))\" width=\"\(Self.n(max(width, 0)))\" height=\"\(Self.n(max(height, 0)))\"\(Self.attributes(attrs))/>")
  }

  mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, _ attrs: [(String, String)] = []) {
    body.append(
      "<line x1=\"\(Self.n(x1))\" y1=\"\(Self.n(y1))\" x2=\"\(Self.n(x2))\" y2=\"\(Self.n(y2))\"\(Self.attributes(attrs))/>")
  }

  /// A path through `points`, closed when `closed`.
  mutating func path(_ points: [(Double, Double)], closed: Bool = false, _ attrs: [(String, String)] = []) {
    guard let first = points.first else { return }
    var d = "M\(Self.n(first.0)),\(Self.n(first.1))"
    for p in points.dropFirst() { d += " L\(Self.n(p.0)),\(Self.n(p.1))" }
    if closed { d += " Z" }
    body.append("<path d=\"\(d)\"\(Self.attributes(attrs))/>")
  }

  mutating func circle(cx: Double, cy: Double, r: Double, _ attrs: [(String, String)] = []) {
    body.append("<circle cx=\"\(Self.n(cx))\" cy=\"\(Self.n(cy))\" r=\"\(Self.n(r))\"\(Self.attributes(attrs))/>")
  }

  mutating func text(
    _ s: String, x: Double, y: Double, anchor: String = "start", size: Double = 12,
    rotate: Double? = nil, _ attrs: [(String, String)] = []
  ) {
    var all: [(String, String)] = [("x", Self.n(x)), ("y", Self.n(y)), ("font-size", Self.n(size))]
    if anchor != "start" { all.append(("text-anchor", anchor)) }
    if let r = rotate { all.append(("transform", "rotate(\(Self.n(r)) \(Self.n(x)) \(Self.n(y)))")) }
    body.append("<text\(Self.attributes(all + attrs))>\(HTML.escape(s))</text>")
  }

  /// The complete document with a `<title>` and `<desc>` for screen readers.
  func document(title: String, description: String) -> String {
    var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    out +=
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Self.n(width))\" height=\"\(Self.n(height))\" viewBox=\"0 0 \(Self.n(width)) \(Self.n(height))\" font-family=\"Helvetica, Arial, sans-serif\" role=\"img\">\n"
    out += "<title>\(HTML.escape(title))</title>\n<desc>\(HTML.escape(description))</desc>\n"
    out += "<rect x=\"0\" y=\"0\" width=\"\(Self.n(width))\" height=\"\(Self.n(height))\" fill=\"#ffffff\"/>\n"
    for line in body { out += line + "\n" }
    return out + "</svg>\n"
  }

  /// Rough rendered width of `s` at `size` px in a sans-serif face, for layout.
  static func textWidth(_ s: String, size: Double = 12) -> Double { Double(s.count) * size * 0.56 }
}

/// Colour-blind-safe colours: Okabe & Ito's eight, then Paul Tol's muted scheme.
enum Palette {
  static let colors = [
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442",
    "#332288", "#88CCEE", "#44AA99", "#117733", "#999933", "#DDCC77", "#CC6677", "#882255",
  ]

  static func color(_ index: Int) -> String { colors[index % colors.count] }

  /// BP blue, SDFA vermilion, anything else by position.
  static func method(_ name: String, index: Int) -> String {
    switch name.lowercased() {
    case "bp": "#0072B2"
    case "sdfa": "#D55E00"
    case "shallow": "#009E73"
    default: color(index + 2)
    }
  }
}
