extension RunRow {
  /// The union of the rows' column keys, in first-appearance order; columns with no value in
  /// any row (`wall_s` in a report artifact) are left out.
  public static func columns(_ rows: [RunRow]) -> [String] {
    var keys: [String] = []
    var filled = Set<String>()
    for row in rows {
      for (key, value) in row.fields {
        if !keys.contains(key) { keys.append(key) }
        if value != .none { filled.insert(key) }
      }
    }
    return keys.filter(filled.contains)
  }

  /// RFC 4180 CSV, one line per run (CRLF), numbers to 12 significant digits, NaN and
  /// unknown values as empty fields. No comment lines: the file is tidy data for
  /// `pandas.read_csv` / `csv.DictReader` as it is.
  public static func csv(_ rows: [RunRow]) -> String {
    let keys = columns(rows)
    var text = keys.map(Table.csvQuote).joined(separator: ",") + "\r\n"
    for row in rows {
      let values = Dictionary(row.fields.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
      text += keys.map { key -> String in
        switch values[key] ?? .none {
        case .text(let s): Table.csvQuote(s)
        case .number(let x): Table.csvNumber(x)
        case .none: ""
        }
      }.joined(separator: ",") + "\r\n"
    }
    return text
  }

  /// JSON Lines, one object per run with the fields of ``fields`` (NaN and unknown as
  /// `null`) and the per-epoch metrics under `epochs_detail`.
  public static func jsonLines(_ rows: [RunRow]) -> String {
    rows.map { row -> String in
      var members: [(String, JSONValue)] = row.fields.map { key, value in
        switch value {
        case .text(let s): (key, .string(s))
        case .number(let x): (key, key == "epochs" ? .int(Int(x)) : .number(x))
        case .none: (key, .null)
        }
      }
      members.append(("epochs_detail", .array(row.epochs.map { e in
        .object([("epoch", .int(e.epoch)), ("train_loss", .number(e.trainLoss)), ("train_accuracy", .number(e.trainAccuracy)),
                 ("test_loss", .number(e.testLoss)), ("test_accuracy", .number(e.testAccuracy))])
      })))
      return JSONValue.object(members).compact() + "\n"
    }.joined()
  }
}
