extension Table {
  /// A `table` float (`table*` for a ``wide`` table) with a booktabs `tabular` sized for a
  /// two-column `article` (`\small`, `\footnotesize` for a wide one, narrow column gaps, headers broken before their unit),
  /// caption (title and notes), and label `tab:<spec>-<identifier>`. The first lines are `%`
  /// comments: what the file needs (`\usepackage{booktabs}`) and the provenance, which stays
  /// out of the caption.
  public func latex() -> String {
    let float = wide ? "table*" : "table"
    var lines: [String] = []
    lines.append("% Needs \\usepackage{booktabs}; compiles as is with pdflatex (\\input this file).")
    lines.append("% " + Self.latexComment(provenance.line))
    lines.append("\\begin{\(float)}[t]")
    lines.append("  \\centering")
    lines.append(wide ? "  \\footnotesize" : "  \\small")
    lines.append("  \\setlength{\\tabcolsep}{3pt}")
    lines.append("  \\caption{\(Self.latexEscape(paperCaption))}")
    lines.append("  \\label{tab:\(Self.latexLabel(qualifiedIdentifier))}")
    lines.append("  \\begin{tabular}{@{}" + columns.map { $0.alignment == .right ? "r" : "l" }.joined() + "@{}}")
    lines.append("    \\toprule")
    lines.append("    " + columns.map(Self.latexHeader).joined(separator: " & ") + " \\\\")
    lines.append("    \\midrule")
    for row in rows {
      lines.append("    " + row.map(latexCell).joined(separator: " & ") + " \\\\")
    }
    lines.append("    \\bottomrule")
    lines.append("  \\end{tabular}")
    lines.append("\\end{\(float)}")
    return lines.joined(separator: "\n") + "\n"
  }

  /// A header on two lines where it ends in a unit (`BP` over `(%)`), so that the header is
  /// no wider than its numbers.
  static func latexHeader(_ column: Column) -> String {
    let header = column.header
    guard let open = header.range(of: " (", options: .backwards), header.hasSuffix(")") else { return latexEscape(header) }
    let align = column.alignment == .right ? "r" : "l"
    let name = latexEscape(String(header[..<open.lowerBound]))
    let unit = latexEscape("(" + String(header[open.upperBound...]))
    return "\\begin{tabular}[b]{@{}\(align)@{}}\(name)\\\\\(unit)\\end{tabular}"
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
