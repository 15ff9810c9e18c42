extension Table {
  /// RFC 4180 CSV (CRLF line ends, fields quoted where they hold a comma, quote, line break
  /// or edge space), for analysis rather than reading: numbers to 12 significant digits, and a
  /// measurement column split into `<key>_mean`, `<key>_std`, `<key>_n`.
  ///
  /// With `provenanceComment` (the default) the file opens with `# ` lines holding the title and
  /// provenance, which pandas (`comment="#"`) and R (`comment.char`) skip; pass false for a
  /// strict RFC 4180 file.
  public func csv(provenanceComment: Bool = true) -> String {
    let split = columns.indices.map { c in rows.contains { if case .measurement = $0[c] { true } else { false } } }
    var records: [[String]] = []
    var header: [String] = []
    for (c, column) in columns.enumerated() {
      header += split[c] ? [column.key + "_mean", column.key + "_std", column.key + "_n"] : [column.key]
    }
    records.append(header)
    for row in rows {
      var fields: [String] = []
      for (c, cell) in row.enumerated() {
        if split[c] {
          if case .measurement(let s, _) = cell {
            fields += [Self.csvNumber(s.mean), Self.csvNumber(s.std), String(s.n)]
          } else {
            fields += [csvField(cell), "", ""]
          }
        } else {
          fields.append(csvField(cell))
        }
      }
      records.append(fields)
    }
    var text = ""
    if provenanceComment {
      text += "# " + Self.oneLine(title) + "\r\n"
      text += "# " + Self.oneLine(provenance.line) + "\r\n"
    }
    for record in records {
      text += record.map(Self.csvQuote).joined(separator: ",") + "\r\n"
    }
    return text
  }

  func csvField(_ cell: Cell) -> String {
    switch cell {
    case .text(let s): s
    case .integer(let i): String(i)
    case .number(let x, _), .signed(let x, _), .ratio(let x, _): Self.csvNumber(x)
    case .measurement(let s, _): Self.csvNumber(s.mean)
    case .missing: ""
    }
  }

  /// Decimal with 12 significant digits; empty for nil and non-finite values.
  static func csvNumber(_ x: Double?) -> String {
    guard let x, x.isFinite else { return "" }
    return NumberText.compact(x)
  }

  /// Quotes a field when RFC 4180 requires it (comma, quote, CR, LF), and also when it has
  /// edge spaces or starts with `#`, which lenient readers would trim or take for a comment.
  public static func csvQuote(_ field: String) -> String {
    let needsQuotes =
      field.contains { $0 == "," || $0 == "\"" || $0.isNewline }
      || field.hasPrefix(" ") || field.hasSuffix(" ") || field.hasPrefix("#")
    guard needsQuotes else { return field }
    var quoted = "\""
    for c in field {
      if c == "\"" { quoted.append("\"") }
      quoted.append(c)
    }
    return quoted + "\""
  }

  static func oneLine(_ s: String) -> String {
    String(s.map { $0.isNewline ? " " : $0 })
  }
}
