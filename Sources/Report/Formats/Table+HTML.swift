extension Table {
  /// An HTML `<table>` with a `<caption>` (title) and a `<p class="provenance">` after it.
  /// A fragment, for embedding in ``HTMLReport``.
  public func html() -> String {
    var out = "<figure class=\"table\" id=\"tab-\(HTML.escape(identifier))\">\n<table>\n"
    out += "<caption>\(HTML.escape(title))</caption>\n<thead><tr>"
    for column in columns {
      out += "<th class=\"\(column.alignment.rawValue)\">\(HTML.escape(column.header))</th>"
    }
    out += "</tr></thead>\n<tbody>\n"
    for row in rows {
      out += "<tr>"
      for (column, cell) in zip(columns, row) {
        out += "<td class=\"\(column.alignment.rawValue)\">\(HTML.escape(plainText(cell)))</td>"
      }
      out += "</tr>\n"
    }
    out += "</tbody>\n</table>\n"
    out += "<figcaption>"
    if !notes.isEmpty { out += HTML.escape(notes.joined(separator: " ")) + "<br>" }
    out += "<span class=\"provenance\">\(HTML.escape(provenance.line))</span></figcaption>\n</figure>\n"
    return out
  }
}

/// Escaping shared by the HTML report and the SVG figures (both XML-compatible).
enum HTML {
  static func escape(_ s: String) -> String {
    var out = ""
    for c in s {
      switch c {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&#39;"
      default: out.append(c)
      }
    }
    return out
  }
}
