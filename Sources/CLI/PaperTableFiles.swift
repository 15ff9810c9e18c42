import ArgumentParser
import Foundation
import Report

/// `paper-table.{md,tex,csv}` of `sdfa tables`: the paper's nine accuracy rows across every
/// collected paper spec, read from each collection's `records.json`, with a reason on each
/// row that has no numbers of ours.
enum PaperTableFiles {
  /// Writes the three files into `root`; returns their names.
  static func write(_ entries: [TablesEntry], into root: URL) throws -> [String] {
    var records: [RunRecord] = []
    var recordsBySpec: [String: [RunRecord]] = [:]
    for entry in entries {
      guard let name = entry.name else { continue }
      let url = root.appendingPathComponent(name).appendingPathComponent("records.json")
      guard let data = try? Data(contentsOf: url), !data.isEmpty else { continue }
      do {
        let decoded = try RunRecord.makeJSONDecoder().decode([RunRecord].self, from: data)
        records += decoded
        recordsBySpec[name] = decoded
      } catch {
        throw ValidationError("\(url.path) cannot be read as report records: \(error); rerun `sdfa tables` after `sdfa run` of that spec")
      }
    }
    let table = Report.paperTable(records) { reference in reason(reference, entries: entries, records: recordsBySpec) }
    var written: [String] = []
    for format in [TableFormat.markdown, .latex, .csv] {
      let name = "paper-table.\(format.fileExtension)"
      try table.rendered(as: format).write(to: root.appendingPathComponent(name), atomically: true, encoding: .utf8)
      written.append(name)
    }
    return written
  }

  /// Why a reference row has no numbers, in a few words (the README beside the table gives
  /// each spec's `sdfa run` command): its spec not run, not valid here, or run on synthetic
  /// data only.
  static func reason(_ reference: ReferenceAccuracy, entries: [TablesEntry], records: [String: [RunRecord]]) -> String {
    let dataset = normalized(reference.dataset), model = normalized(reference.model)
    guard let entry = entries.first(where: { e in e.name.map { normalized($0).contains(dataset) && normalized($0).contains(model) } ?? false }) else {
      return "not collected"
    }
    switch entry.outcome {
    case .missing: return "not run yet"
    case .skipped: return "spec invalid here"
    case .rendered, .earlier:
      let runs = records[entry.name ?? ""] ?? []
      if !runs.isEmpty && runs.allSatisfy({ $0.provenance.data == .synthetic }) { return "synthetic data only" }
      return "no run of this setup"
    }
  }

  static func normalized(_ s: String) -> String { String(s.lowercased().filter { $0.isLetter || $0.isNumber }) }
}
