extension Table {
  /// GitHub-flavoured Markdown: the title in bold, the table, then notes and provenance in
  /// italics below it.
  ///
  /// ```
  /// **Accuracy, BP against SDFA**
  ///
  /// | Dataset | BP (%) |
  /// |:--|--:|
  /// | N-MNIST | 98.52 ± 0.12 |
  ///
  /// *Data: synthetic. Spec …*
  /// ```
  public func markdown() -> String {
    var lines: [String] = []
    lines.append("**\(Self.markdownEscape(title))**")
    lines.append("")
    lines.append("| " + columns.map { Self.markdownEscape($0.header) }.joined(separator: " | ") + " |")
    lines.append("|" + columns.map { $0.alignment == .right ? "--:" : ":--" }.joined(separator: "|") + "|")
    for row in rows {
      lines.append("| " + row.map { Self.markdownEscape(plainText($0)) }.joined(separator: " | ") + " |")
    }
    lines.append("")
    lines.append("*" + Self.markdownEscape((notes + [provenance.line]).joined(separator: " ")) + "*")
    return lines.joined(separator: "\n") + "\n"
  }

  /// Keeps a cell on one line and its pipes, asterisks and underscores literal.
  static func markdownEscape(_ s: String) -> String {
    var out = ""
    for c in s {
      switch c {
      case _ where c.isNewline: out.append(" ")
      case "|", "*", "_", "\\", "`": out.append("\\"); out.append(c)
      default: out.append(c)
      }
    }
    return out
  }
}
