import ArgumentParser
import Foundation
import Pipeline

struct RunCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract: "Run every stage of the specs that is not already cached.",
    discussion: """
      Expands each spec into its sweep points × seeds, builds the stage graph, reuses every \
      stage whose key is in the cache and runs the rest, in parallel where the graph and the \
      CPU budget allow. A failing stage skips only its descendants. Ctrl-C stops cleanly; the \
      next run resumes. Outputs are linked under results/<spec>/.

      Examples:
        sdfa run experiments/quickstart.yml
        sdfa run experiments/paper/nmnist-mlp.yml --seeds 10
        sdfa run spec.yml --set train.epochs=1 --dry-run
        sdfa run spec.yml --force 'train *seed=2'
        sdfa run spec.yml --only 'train*'              # the trainings and what they need
        sdfa run spec.yml --until map --point 'method=sdfa/*'
      """)

  @Argument(help: "Spec files.", completion: .file(extensions: ["yml", "yaml"]))
  var specs: [String]

  @OptionGroup var options: SpecOptions

  @OptionGroup var selection: SelectionOptions

  @Option(name: [.short, .long], help: "Run at most N stages at once (default: CPU count).")
  var jobs: Int?

  @Option(name: .long, help: "CPU threads to share among running stages (default: CPU count).")
  var cpus: Int?

  @Flag(name: [.customShort("n"), .long], help: "Show what would run; run nothing.")
  var dryRun = false

  @Option(name: .long, help: ArgumentHelp("Rerun stages whose label matches this glob, even if cached. Repeatable.", valueName: "pattern"))
  var force: [String] = []

  @Flag(name: .long, help: "Print the summary as JSON on stdout.")
  var json = false

  @Option(name: .long, help: ArgumentHelp("Where to link outputs (default: the project's results/).", valueName: "dir"))
  var results: String?

  @Option(name: .long, help: ArgumentHelp("Where stages run: local, or slurm (the kinds in the spec's executor.slurm_kinds; default train). Default: the spec's executor.kind.", valueName: "name"))
  var executor: ExecutorSettings.Kind?

  @Flag(name: .long, help: "Re-hash every cached artifact before reusing it (default: a cheap check of its manifest, sizes and times).")
  var verify = false

  @OptionGroup var locking: LockOptions

  func validate() throws {
    if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
    if let cpus, cpus < 1 { throw ValidationError("--cpus must be at least 1") }
  }

  func run() throws {
    let digester = options.treeDigester(for: specs, writable: true)
    let loaded = try options.loadSpecs(specs, treeDigester: digester)
    let project = Project.locate(specs: specs, cache: options.cache, results: results)
    var runOptions = RunOptions(dryRun: dryRun, force: force)
    if let jobs { runOptions.jobs = jobs }
    if let cpus { runOptions.cpuBudget = cpus }
    runOptions.verify = verify
    try checkForcePatterns(runOptions, loaded)
    let runner = try options.runner(for: specs)
    // On a new cache, the data folders' file digests are remembered now that it exists.
    let memo = FileDigestMemo(indexPath: runner.store.indexPath, writable: true)
    digester.rememberComputed(in: memo)
    // Every connection closed before the process ends, the index's writer last: no `-wal` file
    // is left for read-only commands to trip over (``StageIndex/close()``).
    defer {
      memo?.close()
      digester.closeMemo()
      runner.index.close()
    }
    Interrupts.shared.install()
    runner.lockWait = locking.policy()
    let cacheLock = dryRun ? nil : try locking.lockCache(runner.store, .shared)
    defer { cacheLock?.unlock() }
    if !dryRun { try claimNames(loaded, runner: runner) }
    var summaries: [(Spec, RunSummary)] = []
    for spec in loaded {
      let graph = try selection.graph(for: spec)
      let remote = try makeExecutor(for: spec, runner: runner)
      let display = ProgressDisplay(total: graph.nodes.count, spec: spec.name, quiet: options.quiet || json, dryRun: dryRun)
      let summary = runner.run(graph, options: runOptions, executor: remote, events: display.handle,
                               isCancelled: { Interrupts.shared.requested })
      display.close()
      if !dryRun {
        let linker = ResultsLinker(root: project.results, store: runner.store)
        do {
          try linker.link(summary, spec: spec.name)
        } catch {
          Terminal.error("warning: results under \(project.resultsDisplay)/\(spec.name): \(error)")
        }
        do {
          try linker.linkLogs(summary, spec: spec.name)
        } catch {
          Terminal.error("warning: could not link logs under \(project.resultsDisplay)/\(spec.name): \(IOErrorText.describe(error))")
        }
      }
      summaries.append((spec, summary))
      if summary.interrupted { break }
    }
    if json {
      Terminal.out(SummaryJSON.render(summaries))
    } else {
      for (spec, summary) in summaries {
        SummaryText.print(summary, spec: spec.name, dryRun: dryRun, results: project.resultsDisplay)
        if !dryRun { for line in RunHeadline.lines(summary, spec: spec, index: runner.index, registry: CLIRuntime.registry) { Terminal.out(line) } }
      }
    }
    if summaries.contains(where: \.1.interrupted) { throw ExitCode(130) }
    if summaries.contains(where: { !$0.1.failures.isEmpty || $0.1.skippedCount > 0 }) { throw ExitCode(1) }
  }
}

extension ExecutorSettings.Kind: ExpressibleByArgument {}

extension RunCommand {
  /// The executor of the stages the spec's `executor` section (or `--executor`) sends away.
  func makeExecutor(for spec: Spec, runner: Runner) throws -> (any Executor)? {
    var settings = ExecutorSettings(of: spec)
    if let executor { settings.kind = executor }
    guard settings.kind == .slurm, !dryRun else { return nil }
    do {
      return try SlurmExecutor(settings: settings, runner: runner, notice: { Terminal.error($0) })
    } catch {
      Terminal.error("cannot prepare Slurm jobs under \(runner.store.root.path)/jobs: \(error)")
      throw ExitCode(1)
    }
  }
}

/// The end-of-run summary in words.
enum SummaryText {
  static func print(_ summary: RunSummary, spec: String, dryRun: Bool, results: String) {
    let total = summary.labels.count
    if dryRun {
      let would = summary.outcomes.enumerated().filter { if case .wouldRun = $0.element { true } else { false } }
      Terminal.out("\(spec): \(would.count) of \(total) stages would run, \(summary.cachedCount) cached")
      for (i, outcome) in would {
        if case .wouldRun(let reason) = outcome { Terminal.out("  would run  \(summary.labels[i])  (\(reason))") }
      }
      return
    }
    var line = "\(spec): \(total) stages: \(summary.ranCount) ran, \(summary.cachedCount) cached"
    if !summary.failures.isEmpty { line += ", \(summary.failures.count) failed" }
    if summary.skippedCount > 0 { line += ", \(summary.skippedCount) skipped" }
    if summary.interrupted { line += ", interrupted (rerun to resume)" }
    line += String(format: " in %.2f s", summary.seconds)
    Terminal.out(line)
    for failure in summary.failures {
      Terminal.out("  failed  \(failure.label): \(failure.message)")
      if !failure.log.isEmpty { Terminal.out("          log: \(failure.log)") }
    }
    let skipped = zip(summary.labels, summary.outcomes).compactMap { label, o -> String? in
      if case .skipped(let because) = o { "\(label) (because \(because) failed)" } else { nil }
    }
    for s in skipped.prefix(10) { Terminal.out("  skipped \(s)") }
    if skipped.count > 10 { Terminal.out("  … and \(skipped.count - 10) more skipped") }
    if summary.failures.isEmpty && !summary.interrupted { Terminal.out("  results: \(results)/\(spec)/") }
  }
}

/// The summary as JSON, for scripts.
enum SummaryJSON {
  static func render(_ summaries: [(Spec, RunSummary)]) -> String {
    let specs: [SpecValue] = summaries.map { spec, summary in
      let stages: [SpecValue] = summary.labels.indices.map { i in
        var fields: [String: SpecValue] = ["label": .string(summary.labels[i]), "kind": .string(summary.kinds[i])]
        if let key = summary.keys[i] { fields["key"] = .string(key) }
        switch summary.outcomes[i] {
        case .cached(let d, _): fields["outcome"] = "cached"; fields["digest"] = .string(d)
        case .ran(let d, let s): fields["outcome"] = "ran"; fields["digest"] = .string(d); fields["seconds"] = .number(s)
        case .failed(let m, let log): fields["outcome"] = "failed"; fields["error"] = .string(m); fields["log"] = .string(log)
        case .skipped(let b): fields["outcome"] = "skipped"; fields["because"] = .string(b)
        case .wouldRun(let r): fields["outcome"] = "would-run"; fields["reason"] = .string(r)
        case .interrupted: fields["outcome"] = "interrupted"
        }
        return .object(fields)
      }
      return .object([
        "spec": .string(spec.name), "file": .string(spec.file), "stages": .list(stages),
        "ran": .number(Double(summary.ranCount)), "cached": .number(Double(summary.cachedCount)),
        "failed": .number(Double(summary.failures.count)), "interrupted": .bool(summary.interrupted),
        "seconds": .number(summary.seconds),
      ])
    }
    return SpecValue.list(specs).canonicalJSON
  }
}
