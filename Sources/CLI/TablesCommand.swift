import ArgumentParser
import Foundation
import Pipeline

struct TablesCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "tables",
    abstract: "Collect the paper's tables and figures from cached reports. Trains nothing.",
    discussion: """
      For each spec whose report stage is in the cache, copies the report's tables/ and \
      figures/ (with report.html and report.md) into OUT/<spec>/, and writes OUT/README.md: \
      what was collected, with the Markdown tables, and what is missing, with the exact \
      `sdfa run` command that makes it. A spec this build cannot validate (a network the \
      training engine does not build yet) is skipped with a one-line note. Nothing is run: \
      `make tables` calls this after building.

      Examples:
        sdfa tables                        # experiments/paper/*.yml
        sdfa tables experiments/quickstart.yml -o /tmp/tables
        sdfa tables --seeds 10             # the reports of 10-seed runs
      """)

  @Argument(help: "Spec files (default: experiments/paper/*.yml).", completion: .file(extensions: ["yml", "yaml"]))
  var specs: [String] = []

  @Option(name: [.customShort("o"), .customLong("out")], help: ArgumentHelp("Where to collect the tables.", valueName: "dir"))
  var out = "results/tables"

  @OptionGroup var options: SpecOptions

  static let defaultFolder = "experiments/paper"

  func run() throws {
    let paths = specs.isEmpty ? Self.paperSpecs() : specs
    guard !paths.isEmpty else {
      Terminal.error("error: no specs: \(Self.defaultFolder)/*.yml matches nothing\n  fix: name spec files, or run from the repository root")
      throw ExitCode(2)
    }
    let root = URL(fileURLWithPath: out)
    try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    // A cache that does not exist yet holds nothing; reading it must not create it.
    let project = options.project(for: paths)
    let hasCache = FileManager.default.fileExists(atPath: project.cache.appendingPathComponent("index.sqlite").path)
    let runner = hasCache ? try options.runner(for: paths) : nil
    var entries: [TablesEntry] = []
    let digester = options.treeDigester(for: paths)
    for path in paths {
      let entry = try collect(path, runner: runner, into: root, digester: digester)
      Terminal.out(entry.line(out: out))
      entries.append(entry)
    }
    // Collections of other specs from earlier calls stay listed: the README covers the folder.
    for entry in ReportCopy.earlierCollections(in: root, except: Set(entries.compactMap(\.name))) {
      Terminal.out(entry.line(out: out))
      entries.append(entry)
    }
    if specs.isEmpty || paths.contains(where: { $0.contains("/paper/") || $0.hasPrefix("paper/") }) {
      for file in try PaperTableFiles.write(entries, into: root) { Terminal.out("wrote \(out)/\(file)") }
    }
    let readme = root.appendingPathComponent("README.md")
    try TablesReadme.render(entries, cache: project.cacheDisplay, out: root)
      .write(to: readme, atomically: true, encoding: .utf8)
    let rendered = entries.filter { if case .rendered = $0.outcome { true } else { false } }.count
    let kept = entries.count - paths.count
    Terminal.out("\(rendered) of \(paths.count) specs collected\(kept > 0 ? ", \(kept) earlier collection\(kept == 1 ? "" : "s") kept" : ""); wrote \(readme.relativePath)")
  }

  /// `experiments/paper/*.yml`, sorted.
  static func paperSpecs() -> [String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: defaultFolder)) ?? []
    return names.filter { $0.hasSuffix(".yml") || $0.hasSuffix(".yaml") }.sorted().map { "\(defaultFolder)/\($0)" }
  }

  private func collect(_ path: String, runner: Runner?, into root: URL, digester: TreeDigester) throws -> TablesEntry {
    let spec: Spec
    do {
      spec = try Spec.load(path, registry: CLIRuntime.registry, overrides: options.overrides, treeDigester: digester)
    } catch let errors as SpecErrors {
      let first = errors.errors.first.map { "\($0.location): \($0.message)" } ?? "invalid spec"
      let more = errors.errors.count > 1 ? " (and \(errors.errors.count - 1) more)" : ""
      return TablesEntry(file: path, name: nil, outcome: .skipped(reason: first + more))
    }
    let destination = root.appendingPathComponent(spec.name)
    let earlier = FileManager.default.fileExists(atPath: destination.path)
    let graph = StageGraph(spec: spec, registry: CLIRuntime.registry)
    guard let runner, let report = graph.nodes.first(where: { $0.kind == "report" }) else {
      let reason = runner == nil ? "nothing cached yet" : "the spec has no report stage"
      return TablesEntry(file: path, name: spec.name, outcome: .missing(command: runCommand(path), progress: reason, earlier: earlier))
    }
    let status = try Inspector(store: runner.store, index: runner.index).status(graph)
    guard case .cached(let digest) = status[report.index].status else {
      let cached = status.filter { if case .cached = $0.status { true } else { false } }.count
      return TablesEntry(file: path, name: spec.name, outcome: .missing(
        command: runCommand(path), progress: "\(cached) of \(status.count) stages cached", earlier: earlier))
    }
    do {
      try runner.store.verify(digest)
    } catch {
      return TablesEntry(file: path, name: spec.name, outcome: .missing(
        command: runCommand(path), progress: "\(error); the run rebuilds it", earlier: earlier))
    }
    let files = try ReportCopy.copy(from: runner.store.artifactURL(digest), to: destination)
    return TablesEntry(file: path, name: spec.name, outcome: .rendered(files: files, digest: digest))
  }

  /// The `sdfa run` command that makes a spec's report, with this command's spec options.
  private func runCommand(_ path: String) -> String {
    var words = [CLIRuntime.commandName, "run", Self.shellQuoted(path)]
    if let seeds = options.seeds { words += ["--seeds", String(seeds)] }
    for assignment in options.assignments { words += ["--set", Self.shellQuoted(assignment)] }
    if let cache = options.cache { words += ["--cache", Self.shellQuoted(cache)] }
    return words.joined(separator: " ")
  }

  static func shellQuoted(_ word: String) -> String {
    word.allSatisfy({ $0.isLetter || $0.isNumber || "-_./=:,".contains($0) }) && !word.isEmpty
      ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
  }
}

/// What `sdfa tables` did with one spec.
struct TablesEntry {
  enum Outcome {
    /// Copied: the files under OUT/<spec>/, and the report artifact's digest.
    case rendered(files: [String], digest: String)
    /// The report is not cached: the command that makes it, how far the cache is, and whether
    /// OUT/<spec>/ holds an earlier collection (left as it is).
    case missing(command: String, progress: String, earlier: Bool)
    /// The spec does not validate in this build.
    case skipped(reason: String)
    /// Not named in this call: OUT/<spec>/ holds what an earlier call collected.
    case earlier(files: [String])
  }

  var file: String
  var name: String?
  var outcome: Outcome

  /// One line for the terminal.
  func line(out: String) -> String {
    switch outcome {
    case .rendered(let files, _): "collected \(name ?? file) → \(out)/\(name ?? file)/ (\(files.count) files)"
    case .missing(let command, let progress, _): "missing   \(name ?? file): not run yet (\(progress)); run: \(command)"
    case .skipped(let reason): "skipped   \(file): does not validate in this build: \(reason)"
    case .earlier: "kept      \(name ?? file): collected by an earlier call"
    }
  }
}

/// Copies a report artifact's tables and figures out of the cache.
enum ReportCopy {
  /// What is collected: these folders and files of a report artifact.
  static let folders = ["tables", "figures"]
  static let files = ["report.html", "report.md", "records.json", "runs.csv", "runs.jsonl"]

  /// The spec folders under `root` that hold a collection, other than `names`, as entries.
  static func earlierCollections(in root: URL, except names: Set<String>) -> [TablesEntry] {
    let fm = FileManager.default
    let folders = ((try? fm.contentsOfDirectory(atPath: root.path)) ?? []).sorted().filter { !names.contains($0) }
    return folders.compactMap { name in
      let folder = root.appendingPathComponent(name)
      let collected = (filesInFolders(of: folder) + files.filter { fm.fileExists(atPath: folder.appendingPathComponent($0).path) })
      guard !collected.isEmpty else { return nil }
      return TablesEntry(file: "\(name)/", name: name, outcome: .earlier(files: collected.sorted()))
    }
  }

  /// The files under `folder`'s collected subfolders, relative to `folder`.
  private static func filesInFolders(of folder: URL) -> [String] {
    folders.flatMap { sub in
      (FileManager.default.subpaths(atPath: folder.appendingPathComponent(sub).path) ?? []).map { "\(sub)/\($0)" }
    }
  }

  /// Replaces the collected parts of `destination` with the artifact's; returns the copied
  /// paths relative to `destination`, sorted. Copies are fresh writable files (the store's
  /// are read-only).
  static func copy(from artifact: URL, to destination: URL) throws -> [String] {
    let fm = FileManager.default
    try fm.createDirectory(at: destination, withIntermediateDirectories: true)
    var copied: [String] = []
    for name in folders + files {
      let target = destination.appendingPathComponent(name)
      if fm.fileExists(atPath: target.path) { try fm.removeItem(at: target) }
      let source = artifact.appendingPathComponent(name)
      var isDirectory: ObjCBool = false
      guard fm.fileExists(atPath: source.path, isDirectory: &isDirectory) else { continue }
      if !isDirectory.boolValue {
        try Data(contentsOf: source).write(to: target)
        copied.append(name)
        continue
      }
      for relative in (fm.subpaths(atPath: source.path) ?? []).sorted() {
        var isFolder: ObjCBool = false
        let file = source.appendingPathComponent(relative)
        guard fm.fileExists(atPath: file.path, isDirectory: &isFolder), !isFolder.boolValue else { continue }
        let out = target.appendingPathComponent(relative)
        try fm.createDirectory(at: out.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(contentsOf: file).write(to: out)
        copied.append("\(name)/\(relative)")
      }
    }
    return copied.sorted()
  }
}

/// `README.md` of the collected tables: an index of every spec with what is there and what
/// is missing, then each collected spec's Markdown tables.
enum TablesReadme {
  static func render(_ entries: [TablesEntry], cache: String, out: URL) -> String {
    let date = String(ISO8601DateFormatter().string(from: Date()).prefix(10))
    var text = """
      # Paper tables

      Collected by `\(CLIRuntime.commandName) tables` (\(CLIRuntime.commandName) \(PipelineInfo.toolVersion)) on \(date) \
      from the cache at `\(cache)`. Nothing was trained: a spec's tables are here when `sdfa run` \
      has cached its report. Each table states its provenance (data, spec digest, seeds).

      | spec | status | what to do or open |
      |---|---|---|

      """
    for entry in entries {
      let name = entry.name ?? URL(fileURLWithPath: entry.file).deletingPathExtension().lastPathComponent
      switch entry.outcome {
      case .rendered(let files, let digest):
        text += "| \(name) | collected (report \(digest.prefix(12))) | \(links(files, name).joined(separator: ", ")) |\n"
      case .missing(let command, let progress, let earlier):
        let old = earlier ? "; `\(name)/` holds an earlier collection" : ""
        text += "| \(name) | not run yet (\(cell(progress))\(old)) | `\(command)` |\n"
      case .skipped(let reason):
        text += "| \(name) | skipped: does not validate in this build | \(cell(reason)) |\n"
      case .earlier(let files):
        text += "| \(name) | collected by an earlier call (not checked against the cache this time) | \(links(files, name).joined(separator: ", ")) |\n"
      }
    }
    if FileManager.default.fileExists(atPath: out.appendingPathComponent("paper-table.md").path) {
      text += "\nThe paper's nine accuracy rows across these specs, ours beside the paper's: [paper-table.md](paper-table.md) ([tex](paper-table.tex), [csv](paper-table.csv)).\n"
    }
    for entry in entries {
      let (files, source): ([String], String)
      switch entry.outcome {
      case .rendered(let f, _): (files, source) = (f, "From `\(entry.file)`.")
      case .earlier(let f): (files, source) = (f, "Collected earlier.")
      default: continue
      }
      guard let name = entry.name else { continue }
      text += "\n## \(name)\n\n\(source)\n"
      for file in files where file.hasPrefix("tables/") && file.hasSuffix(".md") {
        guard let table = try? String(contentsOf: out.appendingPathComponent(name).appendingPathComponent(file), encoding: .utf8) else { continue }
        text += "\n" + demoteHeadings(table).trimmingCharacters(in: .whitespacesAndNewlines) + "\n"
      }
    }
    return text
  }

  /// Links to the collected folders and files of spec `name`.
  static func links(_ files: [String], _ name: String) -> [String] {
    ReportCopy.folders.filter { f in files.contains { $0.hasPrefix(f + "/") } }.map { "[\($0)](\(name)/\($0)/)" }
      + ReportCopy.files.filter(files.contains).map { "[\($0)](\(name)/\($0))" }
  }

  /// A Markdown table cell: no pipes or line breaks.
  static func cell(_ text: String) -> String {
    text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
  }

  /// Headings one level down, so that a table's title sits under its spec's heading.
  static func demoteHeadings(_ markdown: String) -> String {
    markdown.split(separator: "\n", omittingEmptySubsequences: false)
      .map { $0.hasPrefix("#") ? "#" + $0 : String($0) }.joined(separator: "\n")
  }
}
