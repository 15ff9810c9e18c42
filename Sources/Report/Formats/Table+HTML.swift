extension Table {
  /// An HTML `<table>` with a `<caption>` (title) and notes and provenance in its `<figcaption>`.
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
    out += "<span class=\"table-provenance\">\(HTML.escape(provenance.line))</span></figcaption>\n</figure>\n"
    return out
  }
}

/// Escaping for the HTML report, the SVG figures and any other XML text the project writes.
public enum HTML {
  /// `text` made safe for element content and attribute values: the five markup characters as
  /// entities, and the characters XML 1.0 forbids (control characters other than tab, newline
  /// and carriage return; U+FFFE, U+FFFF) as `?`.
  public static func escape(_ text: String) -> String {
    var out = ""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&#39;"
      case _ where scalar.value < 0x20 && scalar != "\t" && scalar != "\n" && scalar != "\r": out += "?"
      case _ where scalar.value == 0xFFFE || scalar.value == 0xFFFF: out += "?"
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out
  }
}
