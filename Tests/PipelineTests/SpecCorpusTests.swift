import Foundation
import Testing
@testable import Pipeline

/// One broken spec of `Specs/broken/` and the first error `Spec.load` must report for it,
/// read from `Specs/broken/EXPECTED.tsv`.
struct BrokenSpec: Sendable, CustomTestStringConvertible {
  var file: String
  var line: Int
  var column: Int
  var message: String
  /// A substring of the fix hint; nil where no hint is expected.
  var hint: String?
  /// The file the error is in, relative to `Specs/broken/` (an included file, or `file`).
  var errorFile: String
  /// Why the current loader misses the expectation (a bug to fix in `Sources/`), if it does:
  /// `B4 [location,message] why`.
  var knownIssue: String?

  /// The checks the known issue fails: `location`, `message`, `hint`, or `throws` (all of them).
  var knownFacets: Set<String> {
    guard let known = knownIssue, let open = known.firstIndex(of: "["), let close = known.firstIndex(of: "]") else { return [] }
    return Set(known[known.index(after: open)..<close].split(separator: ",").map(String.init))
  }

  var testDescription: String { file }

  static let directory = SpecTestRegistry.specsDirectory("broken")

  /// The manifest's rows; empty if it cannot be read (`brokenSpecManifestCoversTheCorpus` fails then).
  static let corpus: [BrokenSpec] = (try? manifest()) ?? []

  static func manifest() throws -> [BrokenSpec] {
    let text = try String(contentsOf: directory.appendingPathComponent("EXPECTED.tsv"), encoding: .utf8)
    return try text.split(separator: "\n").compactMap { row -> BrokenSpec? in
      if row.hasPrefix("#") || row.hasPrefix("file\t") { return nil }
      let cells = row.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
      guard cells.count == 7, let line = Int(cells[1]), let column = Int(cells[2]) else {
        throw ManifestError(row: String(row))
      }
      func optional(_ cell: String) -> String? { cell == "-" ? nil : cell }
      return BrokenSpec(file: cells[0], line: line, column: column, message: cells[3], hint: optional(cells[4]),
                        errorFile: optional(cells[5]) ?? cells[0], knownIssue: optional(cells[6]))
    }
  }

  struct ManifestError: Error, CustomStringConvertible {
    var row: String
    var description: String { "EXPECTED.tsv: a row needs 7 tab-separated cells, line and column numeric: \(row)" }
  }
}

@Test func brokenSpecManifestCoversTheCorpus() throws {
  let rows = try BrokenSpec.manifest()
  let listed = rows.map(\.file)
  let files = try FileManager.default.contentsOfDirectory(atPath: BrokenSpec.directory.path).filter { $0.hasSuffix(".yml") }
  #expect(rows.count >= 30)
  #expect(Set(listed).count == listed.count, "a file is listed twice")
  #expect(Set(listed) == Set(files), "unlisted: \(Set(files).subtracting(listed).sorted()); missing: \(Set(listed).subtracting(files).sorted())")
}

/// Every broken spec is rejected with `SpecErrors` whose first error names the file, line and
/// column, says what is wrong and how to fix it, and loading touched nothing on disk.
@Test(arguments: BrokenSpec.corpus)
func brokenSpecIsRejectedWithLocationAndFix(_ broken: BrokenSpec) throws {
  let path = BrokenSpec.directory.appendingPathComponent(broken.file).path
  let cache = FileManager.default.temporaryDirectory.appendingPathComponent("sdfa-spec-corpus-\(UUID().uuidString)")
  let before = try corpusListing()

  let result = Result {
    try Spec.load(path, registry: SpecTestRegistry.registry, environment: SpecTestRegistry.environment(cache: cache.path))
  }

  // Nothing is run: no cache, no file written next to the specs.
  #expect(!FileManager.default.fileExists(atPath: cache.path))
  #expect(try corpusListing() == before)

  /// Runs the checks of `facet`, as a known issue where the manifest marks that facet known.
  func expect(_ facet: String, _ body: () -> Void) {
    if let known = broken.knownIssue, broken.knownFacets.contains(facet) || broken.knownFacets.contains("throws") {
      withKnownIssue(Comment(rawValue: known)) { body() }
    } else {
      body()
    }
  }

  let first: SpecError?
  switch result {
  case .success:
    first = nil
    expect("throws") { Issue.record("\(broken.file) loaded without an error") }
  case .failure(let error):
    first = (error as? SpecErrors)?.errors.first
    if first == nil { Issue.record("expected SpecErrors, got \(type(of: error)): \(error)") }
  }
  guard let first else { return }

  expect("location") {
    let expectedFile = BrokenSpec.directory.appendingPathComponent(broken.errorFile).standardizedFileURL.path
    #expect(URL(fileURLWithPath: first.location.file).standardizedFileURL.path == expectedFile, "\(first)")
    #expect(first.location.line == broken.line, "\(first)")
    #expect(first.location.column == broken.column, "\(first)")
    // The rendered diagnostic starts like a compiler's.
    #expect(first.description.hasPrefix("\(first.location.file):\(broken.line):\(broken.column): error: "), "\(first)")
  }
  expect("message") {
    #expect(first.message.contains(broken.message), "\(first)")
  }
  if let hint = broken.hint {
    expect("hint") {
      #expect(first.hint?.contains(hint) == true, "\(first)")
    }
  }
}

/// The corpus directory's files, to show that loading wrote nothing there.
private func corpusListing() throws -> [String] {
  try FileManager.default.subpathsOfDirectory(atPath: BrokenSpec.directory.path).sorted()
}
