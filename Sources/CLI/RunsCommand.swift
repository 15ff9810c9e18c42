import ArgumentParser
import Foundation
import Pipeline

struct RunsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "runs",
    abstract: "List every run in the cache, across all specs that share it, with its coordinates and metrics.",
    discussion: """
      A run is one sweep point at one seed: its training and what follows it (mapping, energy). \
      The metrics come from the cache's index (recorded when each stage committed; older \
      stages are read from their artifacts once). Reads only; runs nothing.

      FIELD is spec, point, a sweep axis (tau, method, seed), a metric (best_test_accuracy, \
      final_test_loss, spike_rates.1, pipesdfa_epoch_joules), wall_s, key, key_<kind>, or a \
      param by its spec path (train.method, model.neuron.tau).

      Examples:
        sdfa runs
        sdfa runs spec.yml --where train.method=sdfa --where 'model.neuron.tau>=2'
        sdfa runs --sort best_test_accuracy:desc --columns spec,point,key
        sdfa runs --format csv > runs.csv
        sdfa runs --diff 3fa1c2 9b07d4       # key prefixes, or spec:point
      """)

  @Argument(help: "Only the runs of these specs (default: every spec that used the cache).",
            completion: .file(extensions: ["yml", "yaml"]))
  var specs: [String] = []

  @OptionGroup var options: SpecOptions

  @Option(name: .customLong("where"), help: ArgumentHelp("Keep runs where FIELD compares so (= != < <= > >=; numbers compare as numbers). Repeatable; all must hold.", valueName: "FIELD=VALUE"))
  var conditions: [String] = []

  @Option(name: .long, help: ArgumentHelp("Columns to show, comma-separated (repeatable).", valueName: "FIELD,…"))
  var columns: [String] = []

  @Option(name: .long, help: ArgumentHelp("Sort by FIELD (FIELD:desc for descending). Repeatable: later keys break ties.", valueName: "FIELD"))
  var sort: [String] = []

  @Option(name: .long, help: "table, csv or json (json: every run in full, with params and per-epoch curves).")
  var format: RunsFormat = .table

  @Flag(name: .long, help: "Also list trainings no spec uses any more (superseded by a change of the spec).")
  var all = false

  @Option(name: .long, parsing: .upToNextOption, help: ArgumentHelp("Show the params that differ between two runs (key prefix, or spec:point).", valueName: "A B"))
  var diff: [String] = []

  func validate() throws {
    if !diff.isEmpty && diff.count != 2 { throw ValidationError("--diff takes two runs (key prefixes or spec:point), found \(diff.count)") }
  }

  func run() throws {
    let names = try specs.isEmpty ? nil : Set(options.loadSpecs(specs).map(\.name))
    let catalog = try RunsCommand.openCatalog(options, specs: specs)
    let entries = try catalog.runs(specs: names, superseded: all || !diff.isEmpty)
    if !diff.isEmpty {
      let a = try RunsCommand.resolve(diff[0], in: entries), b = try RunsCommand.resolve(diff[1], in: entries)
      Terminal.out(format == .json ? RunsRendering.diffJSON(a, b) : RunsRendering.diffText(a, b))
      return
    }
    var rows = entries.map(RunFields.init)
    let filters = try conditions.map(RunCondition.init(parsing:))
    let sorts = sort.map(RunSort.init)
    let chosen = columns.flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }.filter { !$0.isEmpty }
    if !rows.isEmpty {
      try checkFieldNames(filters.map(\.field), option: "--where", in: rows)
      try checkFieldNames(sorts.map(\.field), option: "--sort", in: rows)
      try checkFieldNames(chosen, option: "--columns", in: rows)
    }
    rows = RunSort.apply(sorts, to: rows.filter { row in filters.allSatisfy { $0.matches(row) } })
    switch format {
    case .json:
      Terminal.out(RunsRendering.json(rows, columns: chosen.isEmpty ? nil : chosen))
    case .csv:
      let columns = chosen.isEmpty ? RunsRendering.defaultColumns(rows, registry: CLIRuntime.registry, full: true) : chosen
      try FileHandle.standardOutput.write(contentsOf: Data(RunsRendering.csv(rows, columns: columns).utf8))
    case .table:
      guard !rows.isEmpty else {
        Terminal.error(entries.isEmpty ? "no runs in the cache at \(options.project(for: specs).cacheDisplay)\(names == nil ? "" : " for these specs")" : "no run matches (\(entries.count) runs listed before --where)")
        return
      }
      let columns = chosen.isEmpty ? RunsRendering.defaultColumns(rows, registry: CLIRuntime.registry, full: false) : chosen
      Terminal.out(RunsRendering.table(rows, columns: columns))
      let specCount = Set(rows.map(\.entry.spec)).count
      Terminal.out("\(rows.count) run\(rows.count == 1 ? "" : "s") of \(specCount) spec\(specCount == 1 ? "" : "s")" + (rows.count < entries.count ? " (of \(entries.count))" : ""))
    }
  }

  /// The runs catalog of the cache of the project `specs` belong to (the current folder's
  /// without specs), after recording the metrics of older stages; never creates a cache.
  static func openCatalog(_ options: SpecOptions, specs: [String]) throws -> RunCatalog {
    let project = options.project(for: specs)
    let index: StageIndex?
    do { index = try StageIndex.existing(cache: project.cache) } catch {
      Terminal.error("cannot open the index of the cache at \(project.cacheDisplay): \(error)")
      throw ExitCode(1)
    }
    guard let index else {
      Terminal.error("no cache at \(project.cacheDisplay): nothing has run there (sdfa run SPEC creates it; --cache DIR or $SDFA_CACHE names another)")
      throw ExitCode(1)
    }
    var catalog = RunCatalog(index: index, cache: project.cache, registry: CLIRuntime.registry)
    let added = try catalog.backfill()
    if added > 0 { Terminal.error("recorded the metrics of \(added) stage\(added == 1 ? "" : "s") from their artifacts (they predate the runs database)") }
    return catalog
  }

  /// A run named by a key prefix (of any of its stages) or by `spec:point` / `point`.
  static func resolve(_ name: String, in entries: [RunEntry]) throws -> RunEntry {
    let byPoint = entries.filter { $0.point == name || "\($0.spec):\($0.point)" == name }
    let byKey = name.count >= 4 && name.allSatisfy(\.isHexDigit) ? entries.filter { $0.keys.values.contains { $0.hasPrefix(name.lowercased()) } } : []
    let matches = byPoint.isEmpty ? byKey : byPoint
    guard let first = matches.first else {
      throw ValidationError("--diff: no run is named '\(name)' (give a key prefix of 4+ hex digits, or spec:point as sdfa runs --columns spec,point,key lists them)")
    }
    // A training shared by two specs is one training: take the first spec's run of it.
    let distinct = matches.filter { $0.params != first.params && $0.key != first.key }
    guard distinct.isEmpty else {
      let list = matches.prefix(6).map { "\($0.spec):\($0.point) (key \($0.key.prefix(12)))" }.joined(separator: ", ")
      throw ValidationError("--diff: '\(name)' names \(matches.count) runs: \(list); give a longer key prefix or spec:point")
    }
    return first
  }
}

enum RunsFormat: String, ExpressibleByArgument, CaseIterable, Sendable { case table, csv, json }
