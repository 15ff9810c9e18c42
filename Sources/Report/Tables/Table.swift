/// A rendered-format-independent table: what the renderers turn into Markdown, LaTeX, CSV,
/// JSON and HTML.
///
/// Every table carries the provenance of the records behind it; each renderer places it
/// where its format keeps captions or comments.
public struct Table: Codable, Hashable, Sendable {
  /// Short machine name: LaTeX label (`tab:<identifier>`), file names.
  public var identifier: String
  public var title: String
  public var columns: [Column]
  public var rows: [[Cell]]
  /// Sentences that follow the title in the caption (units, what ± means, the paper's ranges).
  public var notes: [String]
  public var provenance: ProvenanceSummary
  /// Set across both columns of a two-column page (`table*` in LaTeX): for tables too wide
  /// for `\columnwidth`, such as the hardware table.
  public var wide = false

  public init(
    identifier: String, title: String, columns: [Column], rows: [[Cell]], notes: [String] = [],
    provenance: ProvenanceSummary
  ) {
    precondition(rows.allSatisfy { $0.count == columns.count }, "every row needs one cell per column")
    self.identifier = identifier
    self.title = title
    self.columns = columns
    self.rows = rows
    self.notes = notes
    self.provenance = provenance
  }

  /// Title, notes and provenance as one caption.
  public var caption: String {
    ([title.hasSuffix(".") ? title : title + "."] + notes + [provenance.line]).joined(separator: " ")
  }

  /// Title and notes without provenance: the caption of a paper's table, where provenance
  /// belongs in a comment.
  public var paperCaption: String {
    ([title.hasSuffix(".") ? title : title + "."] + notes).joined(separator: " ")
  }

  /// `<spec>-<identifier>` for a table of one spec, `<identifier>` otherwise: unique across
  /// the tables of several specs' reports input into one document.
  public var qualifiedIdentifier: String {
    provenance.specs.count == 1 ? "\(provenance.specs[0].name)-\(identifier)" : identifier
  }

  /// The seed count most cells are expected to have; measurement cells with another n say so.
  var expectedSeedCount: Int { provenance.seeds.count }

  public struct Column: Codable, Hashable, Sendable {
    /// Human header (Markdown, LaTeX, HTML).
    public var header: String
    /// Machine key (CSV header, JSON field): lowercase, underscores.
    public var key: String
    public var alignment: Alignment

    public init(_ header: String, key: String, alignment: Alignment = .left) {
      self.header = header
      self.key = key
      self.alignment = alignment
    }
  }

  public enum Alignment: String, Codable, Hashable, Sendable {
    case left, right
  }

  /// One table cell, typed so each format can render it as it should.
  public enum Cell: Codable, Hashable, Sendable {
    case text(String)
    case integer(Int)
    /// A plain number shown with `digits` decimals.
    case number(Double, digits: Int)
    /// A difference shown with an explicit sign.
    case signed(Double, digits: Int)
    /// A ratio shown as `2.31×`.
    case ratio(Double, digits: Int)
    /// Mean ± sample standard deviation over seeds.
    case measurement(Summary, digits: Int)
    case missing
  }
}

extension Table {
  /// Text of a measurement's annotation when its n differs from the table's seed count or
  /// values were excluded: ` (n=4)`, ` (n=4, 1 NaN excluded)`; empty otherwise.
  func annotation(_ summary: Summary) -> String {
    var parts: [String] = []
    if summary.n != expectedSeedCount || summary.nonFinite > 0 { parts.append("n=\(summary.n)") }
    if summary.nonFinite > 0 { parts.append("\(summary.nonFinite) NaN excluded") }
    return parts.isEmpty ? "" : " (" + parts.joined(separator: ", ") + ")"
  }

  /// Plain-text rendering shared by Markdown and HTML: `98.52 ± 0.12`, `−0.60`, `2.31×`, `—`.
  func plainText(_ cell: Cell) -> String {
    switch cell {
    case .text(let s): s
    case .integer(let i): String(i)
    case .number(let x, let d): x.isNaN ? "—" : NumberText.fixed(x, d)
    case .signed(let x, let d): x.isNaN ? "—" : NumberText.signed(x, d, typographic: true)
    case .ratio(let x, let d): x.isFinite ? NumberText.fixed(x, d) + "×" : "—"
    case .measurement(let s, let d):
      if let mean = s.mean {
        NumberText.fixed(mean, d) + (s.std.map { " ± " + NumberText.fixed($0, d) } ?? "") + annotation(s)
      } else {
        "—" + annotation(s)
      }
    case .missing: "—"
    }
  }
}

/// The output formats of ``Table/rendered(as:)``.
public enum TableFormat: String, Codable, Hashable, Sendable, CaseIterable {
  case markdown = "md"
  case latex = "tex"
  case csv
  case json
  case html

  /// File extension without the dot.
  public var fileExtension: String { rawValue }
}

extension Table {
  /// The table in `format`; byte-identical for equal tables.
  public func rendered(as format: TableFormat) -> String {
    switch format {
    case .markdown: markdown()
    case .latex: latex()
    case .csv: csv()
    case .json: json()
    case .html: html()
    }
  }
}
