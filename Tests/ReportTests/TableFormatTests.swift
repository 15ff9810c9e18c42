import Foundation
import Testing
@testable import Report

@Suite struct TableFormatTests {
  /// A table whose text cells hold every character the formats must escape.
  static let awkward = Table(
    identifier: "awkward_table",
    title: "Odd cells",
    columns: [Table.Column("Name", key: "name"), Table.Column("Value", key: "value", alignment: .right)],
    rows: [
      [.text("a,b"), .number(1.5, digits: 1)],
      [.text("say \"hi\""), .measurement(Summary([1, 2, 3]), digits: 2)],
      [.text("line\nbreak"), .missing],
      [.text("50% of A&B #1 in_place $5 {x} ~ ^ \\"), .signed(-0.5, digits: 1)],
      [.text("#comment-like"), .ratio(2, digits: 2)],
      [.text(" padded "), .integer(7)],
    ],
    provenance: ProvenanceSummary(records: Fixtures.small))

  @Test(arguments: [
    ("plain", "plain"), ("a,b", "\"a,b\""), ("say \"hi\"", "\"say \"\"hi\"\"\""), ("x\ny", "\"x\ny\""),
    ("x\r\ny", "\"x\r\ny\""), (" edge", "\" edge\""), ("#x", "\"#x\""), ("", ""),
  ])
  func csvQuoting(field: String, expected: String) {
    #expect(Table.csvQuote(field) == expected)
  }

  @Test func csvRoundTripsThroughAnRFC4180Reader() throws {
    let text = Self.awkward.csv(provenanceComment: false)
    let records = try parseCSV(text)
    #expect(records.count == 7)
    #expect(records[0] == ["name", "value_mean", "value_std", "value_n"])
    #expect(records.dropFirst().map { $0[0] } == Self.awkward.rows.map { row -> String in
      if case .text(let s) = row[0] { return s } else { return "" }
    })
    #expect(records[2] == ["say \"hi\"", "2", "1", "3"])
    #expect(records[3] == ["line\nbreak", "", "", ""])
    #expect(records.allSatisfy { $0.count == 4 })
  }

  @Test func csvProvenanceCommentsComeFirst() {
    let lines = Self.awkward.csv().components(separatedBy: "\r\n")
    #expect(lines[0] == "# Odd cells")
    #expect(lines[1].hasPrefix("# Data: synthetic. Spec quick"))
    #expect(lines[2] == "name,value_mean,value_std,value_n")
  }

  @Test(arguments: [
    ("a_b", #"a\_b"#), ("50%", #"50\%"#), ("A&B", #"A\&B"#), ("#1", ##"\#1"##), ("$5", #"\$5"#),
    ("{x}", #"\{x\}"#), ("~", #"\textasciitilde{}"#), ("^", #"\textasciicircum{}"#),
    ("\\", #"\textbackslash{}"#), ("±", #"$\pm$"#), ("Δ", #"$\Delta$"#), ("µs", #"$\mu$s"#),
  ])
  func latexEscaping(text: String, expected: String) {
    #expect(Table.latexEscape(text) == expected)
  }

  @Test func latexCellsAndLabel() {
    let tex = Self.awkward.latex()
    #expect(tex.contains(##"50\% of A\&B \#1 in\_place \$5 \{x\} \textasciitilde{} \textasciicircum{} \textbackslash{} & $-0.5$ \\"##))
    #expect(tex.contains(#"say "hi" & $2.00 \pm 1.00$ \\"#))
    #expect(tex.contains(#"line break & --- \\"#))
    #expect(tex.contains(#"\label{tab:quick-awkward_table}"#), "labels are qualified by the spec's name")
    #expect(tex.contains(#"$2.00\times$"#))
    #expect(tex.hasPrefix("% Needs \\usepackage{booktabs}; compiles as is with pdflatex (\\input this file).\n% Data: synthetic."))
    for command in ["\\toprule", "\\midrule", "\\bottomrule", "\\caption{Odd cells."] {
      #expect(tex.contains(command))
    }
    // Provenance is a comment, not part of the caption.
    #expect(!tex.components(separatedBy: "\n").contains { $0.contains("\\caption{") && $0.contains("Data: synthetic") })
  }

  @Test func markdownKeepsCellsOnOneLineAndEscapesPipes() {
    let md = Self.awkward.markdown()
    #expect(md.contains("| line break | — |"))
    #expect(Table.markdownEscape("a|b_c") == #"a\|b\_c"#)
    #expect(md.components(separatedBy: "\n").filter { $0.hasPrefix("|") }.count == 8)
  }

  @Test func jsonParsesAndKeepsStructure() throws {
    let data = Data(Report.accuracyTable(Fixtures.small).json().utf8)
    let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    #expect(object["identifier"] as? String == "accuracy")
    let rows = try #require(object["rows"] as? [[String: Any]])
    #expect(rows.count == 2)
    let bp = try #require(rows[0]["bp"] as? [String: Any])
    #expect((bp["mean"] as? NSNumber)?.doubleValue == 92 && (bp["n"] as? NSNumber)?.intValue == 3)
    let single = try #require(rows[1]["bp"] as? [String: Any])
    #expect(single["std"] is NSNull)
    let provenance = try #require(object["provenance"] as? [String: Any])
    #expect(provenance["data"] as? [String] == ["synthetic"])
    #expect((provenance["line"] as? String)?.hasPrefix("Data: synthetic") == true)
  }

  @Test func jsonEscapesControlCharacters() throws {
    let json = Self.awkward.json()
    #expect(json.contains(#""line\nbreak""#))
    #expect(try JSONSerialization.jsonObject(with: Data(json.utf8)) is [String: Any])
  }

  @Test func hardwareTableRatiosAndUnits() {
    let table = Report.hardwareTable(Fixtures.small)
    #expect(table.columns.map(\.key).contains("time_pipelayer_ms"))
    #expect(table.columns.map(\.header).contains("Energy PipeSDFA (mJ)"))
    let md = table.markdown()
    #expect(md.contains("| 2.20 ± 0.20 | 0.55 ± 0.05 | 4.00× | 5.50 ± 0.50 | 3.30 ± 0.30 | 1.67× |"))
    #expect(md.contains("The paper reports 1.1×–10.5× in time and 1.37×–2.1× in energy."))
  }

  @Test func everyFormatCarriesProvenance() {
    let table = Report.accuracyTable(Fixtures.small)
    for format in TableFormat.allCases {
      #expect(table.rendered(as: format).contains("Spec quick (sha256 0123456789ab)"), "\(format)")
    }
  }

  @Test func latexCompilesWherePdflatexIsInstalled() throws {
    guard let pdflatex = ["/usr/bin/pdflatex", "/usr/local/bin/pdflatex"].first(where: FileManager.default.isExecutableFile)
    else { return }
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("report-latex-\(getpid())")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let body = [Report.accuracyTable(Fixtures.small), Report.hardwareTable(Fixtures.small), Self.awkward].map { $0.latex() }
    let document = "\\documentclass{article}\n\\usepackage{booktabs}\n\\usepackage[margin=1cm,landscape]{geometry}\n\\begin{document}\n" + body.joined(separator: "\n") + "\\end{document}\n"
    try document.write(to: dir.appendingPathComponent("t.tex"), atomically: true, encoding: .utf8)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: pdflatex)
    process.arguments = ["-interaction=nonstopmode", "-halt-on-error", "t.tex"]
    process.currentDirectoryURL = dir
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    let log = (try? String(contentsOf: dir.appendingPathComponent("t.log"), encoding: .utf8)) ?? ""
    #expect(process.terminationStatus == 0, "\(log.split(separator: "\n").filter { $0.hasPrefix("!") })")
  }
}

/// A strict RFC 4180 reader (CRLF records, quoted fields with doubled quotes).
func parseCSV(_ text: String) throws -> [[String]] {
  struct Malformed: Error {}
  var records: [[String]] = []
  var record: [String] = []
  var field = ""
  var chars = Array(text)[...]
  var quoted = false
  while let c = chars.popFirst() {
    if quoted {
      if c == "\"" {
        if chars.first == "\"" { chars.removeFirst(); field.append("\"") } else { quoted = false }
      } else {
        field.append(c)
      }
    } else if c == "\"" {
      guard field.isEmpty else { throw Malformed() }
      quoted = true
    } else if c == "," {
      record.append(field); field = ""
    } else if c == "\r\n" {
      record.append(field); field = ""
      records.append(record); record = []
    } else if c == "\r" || c == "\n" {
      throw Malformed()
    } else {
      field.append(c)
    }
  }
  guard !quoted, field.isEmpty, record.isEmpty else { throw Malformed() }
  return records
}
