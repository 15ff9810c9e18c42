extension Table {
  /// A JSON object: `identifier`, `title`, `notes`, `provenance` (structured, with its `line`),
  /// `columns` (key, header) and `rows`, each an object keyed by column key in column order.
  /// Measurements become `{"mean", "std", "n", "non_finite"}`; missing values and NaN `null`.
  public func json() -> String {
    let rowValues: [JSONValue] = rows.map { row in
      .object(zip(columns, row).map { column, cell in (column.key, jsonValue(cell)) })
    }
    return JSONValue.object([
      ("identifier", .string(identifier)),
      ("title", .string(title)),
      ("notes", .array(notes.map(JSONValue.string))),
      ("provenance", provenance.json),
      ("columns", .array(columns.map { .object([("key", .string($0.key)), ("header", .string($0.header))]) })),
      ("rows", .array(rowValues)),
    ]).serialized()
  }

  func jsonValue(_ cell: Cell) -> JSONValue {
    switch cell {
    case .text(let s): .string(s)
    case .integer(let i): .int(i)
    case .number(let x, _), .signed(let x, _), .ratio(let x, _): .number(x)
    case .measurement(let s, _): s.json
    case .missing: .null
    }
  }
}
