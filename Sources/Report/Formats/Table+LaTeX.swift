extension Table {
  /// A `table` float with a booktabs `tabular`, caption (title, notes, provenance) and label
  /// `tab:<identifier>`, preceded by a `%` comment with the provenance. Needs
  /// `\usepackage{booktabs}`.
  public func latex() -> String {
    var lines: [String] = []
    lines.append("% " + Self.latexComment(provenance.line))
    lines.append("\\begin{table}[t]")
    lines.append("  \\centering")
    lines.append("  \\caption{\(Self.latexEscape(caption))}")
    lines.append("  \\label{tab:\(Self.latexLabel(identifier))}")
    lines.append("  \\begin{tabular}{" + columns.map { $0.alignment == .right ? "r" : "l" }.joined() + "}")
    lines.append("    \\toprule")
    lines.append("    " + columns.map { Self.latexEscape($0.header) }.joined(separator: " & ") + " \\\\")
    lines.append("    \\midrule")
    for row in rows {
      lines.append("    " + row.map(latexCell).joined(separator: " & ") + " \\\\")
    }
    lines.append("    \\bottomrule")
    lines.append("  \\end{tabular}")
    lines.append("\\end{table}")
    return lines.joined(separator: "\n") + "\n"
  }

  func latexCell(_ cell: Cell) -> String {
    switch cell {
    case .text(let s): return Self.latexEscape(s)
    case .integer(let i): return String(i)
    case .number(let x, let d): return x.isNaN ? "---" : "$" + NumberText.fixed(x, d) + "$"
    case .signed(let x, let d): return x.isNaN ? "---" : "$" + NumberText.signed(x, d) + "$"
    case .ratio(let x, let d): return x.isFinite ? "$" + NumberText.fixed(x, d) + "\\times$" : "---"
    case .measurement(let s, let d):
      let note = Self.latexEscape(annotation(s))
      guard let mean = s.mean else { return "---" + note }
      let spread = s.std.map { " \\pm " + NumberText.fixed($0, d) } ?? ""
      return "$" + NumberText.fixed(mean, d) + spread + "$" + note
    case .missing: return "---"
    }
  }

  /// Escapes LaTeX's special characters (`\ & % $ # _ { } ~ ^`) and writes the non-ASCII
  /// symbols our tables use (± × − – — Δ µ) as commands, so the output compiles with pdflatex
  /// and no inputenc setup.
  public static func latexEscape(_ s: String) -> String {
    var out = ""
    for c in s {
      switch c {
      case "\\": out += "\\textbackslash{}"
      case "&", "%", "$", "#", "_", "{", "}": out += "\\" + String(c)
      case "~": out += "\\textasciitilde{}"
      case "^": out += "\\textasciicircum{}"
      case "<": out += "\\textless{}"
      case ">": out += "\\textgreater{}"
      case "±": out += "$\\pm$"
      case "×": out += "$\\times$"
      case "−": out += "$-$"
      case "–": out += "--"
      case "—": out += "---"
      case "Δ": out += "$\\Delta$"
      case "µ", "μ": out += "$\\mu$"
      case _ where c.isNewline: out += " "
      default: out.append(c)
      }
    }
    return out
  }

  /// A label key: letters, digits and `-_:.` pass (labels are read verbatim, so escaping
  /// would break them); anything else becomes `-`.
  static func latexLabel(_ s: String) -> String {
    String(s.map { c in c.isASCII && (c.isLetter || c.isNumber || "-_:.".contains(c)) ? c : "-" })
  }

  /// A comment stays one line.
  static func latexComment(_ s: String) -> String {
    String(s.map { $0.isNewline ? " " : $0 })
  }
}
