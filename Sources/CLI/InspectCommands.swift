import ArgumentParser
import Foundation
import Pipeline

struct StatusCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "status",
    abstract: "Show which stages are cached, stale (and why) or missing. Runs nothing.",
    discussion: """
      Examples:
        sdfa status experiments/quickstart.yml
        sdfa status spec.yml --set train.epochs=20      # what a change would rerun
        sdfa status spec.yml --json
        sdfa status spec.yml --exit-code               # for CI: 1 when anything would run
        sdfa status spec.yml --until train --exit-code
      """)

  @Argument(help: "Spec files.", completion: .file(extensions: ["yml", "yaml"]))
  var specs: [String]
  @OptionGroup var options: SpecOptions
  @Flag(name: .long, help: "Print JSON on stdout.") var json = false
  @Flag(name: [.short, .long], help: "List every stage, not only those that would run.") var all = false
  @Flag(name: .long, help: "Exit with status 1 when any stage is stale, missing or pending (for CI).") var exitCode = false
  @OptionGroup var selection: SelectionOptions

  func run() throws {
    let loaded = try options.loadSpecs(specs)
    let inspector = try options.reader(for: specs)
    var documents: [SpecValue] = []
    var outdated = 0
    for spec in loaded {
      let entries = try inspector.status(try selection.graph(for: spec))
      outdated += entries.filter { if case .cached = $0.status { false } else { true } }.count
      if json {
        documents.append(.object([
          "spec": .string(spec.name),
          "stages": .list(entries.map { e in
            var f: [String: SpecValue] = ["label": .string(e.label), "kind": .string(e.kind), "status": .string(e.status.word)]
            if let key = e.key { f["key"] = .string(key) }
            if case .stale(let changes) = e.status { f["changes"] = .list(changes.map { .string($0) }) }
            if case .blocked(let by) = e.status { f["waits_for"] = .string(by) }
            return .object(f)
          }),
        ]))
        continue
      }
      var counts: [String: [String: Int]] = [:]
      var kinds: [String] = []
      for e in entries {
        if counts[e.kind] == nil { kinds.append(e.kind) }
        counts[e.kind, default: [:]][e.status.word, default: 0] += 1
      }
      let columns = ["cached", "stale", "missing", "pending"]
      Terminal.out("\(spec.name): \(entries.count) stages")
      Terminal.out("  " + "stage".padding(toLength: 10, withPad: " ", startingAt: 0) + columns.map { $0.leftPad(8) }.joined())
      for kind in kinds {
        Terminal.out("  " + kind.padding(toLength: 10, withPad: " ", startingAt: 0) + columns.map { String(counts[kind]?[$0] ?? 0).leftPad(8) }.joined())
      }
      for e in entries {
        switch e.status {
        case .cached: if all { Terminal.out("  cached   \(e.label)") }
        case .missing: Terminal.out("  missing  \(e.label)")
        case .stale(let changes):
          Terminal.out("  stale    \(e.label): " + changes.prefix(3).joined(separator: "; ") + (changes.count > 3 ? "; …" : ""))
        case .blocked(let by): if all { Terminal.out("  pending  \(e.label) (after \(by))") }
        }
      }
    }
    if json { Terminal.out(SpecValue.list(documents).canonicalJSON) }
    if exitCode && outdated > 0 { throw ExitCode(1) }
  }
}

struct ExplainCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "explain",
    abstract: "Explain why a stage would run: what changed since its last recorded run.",
    discussion: """
      STAGE is a label as `sdfa status --all` or `sdfa dag` prints it (a unique prefix is enough).

      Examples:
        sdfa explain experiments/quickstart.yml "train method=sdfa/seed=2"
        sdfa explain spec.yml bin --set frames.T=20
      """)

  @Argument(help: "Spec file.", completion: .file(extensions: ["yml", "yaml"])) var spec: String
  @Argument(help: "Stage label.") var stage: String
  @OptionGroup var options: SpecOptions

  func run() throws {
    guard let loaded = try options.loadSpecs([spec]).first else { return }
    let graph = StageGraph(spec: loaded, registry: CLIRuntime.registry)
    guard let node = graph.node(labelled: stage) else {
      let candidates = graph.nodes.map(\.label).filter { $0.hasPrefix(stage.split(separator: " ").first.map(String.init) ?? stage) }
      Terminal.error("error: no stage labelled '\(stage)' in \(spec)")
      if !candidates.isEmpty { Terminal.error("  stages of that kind: " + candidates.prefix(8).joined(separator: ", ") + (candidates.count > 8 ? ", …" : "")) }
      throw ExitCode(2)
    }
    let entries = try options.reader(for: [spec]).status(graph)
    let entry = entries[node.index]
    Terminal.out("\(node.label)")
    Terminal.out("  kind \(node.kind) v\(node.version); reads \(CLIRuntime.registry.stage(node.kind)?.reads.joined(separator: ", ") ?? "")")
    if let settings = CLIRuntime.registry.stage(node.kind)?.settings, !settings.isEmpty {
      Terminal.out("  settings, not in the key: \(settings.joined(separator: ", "))")
    }
    if let key = entry.key { Terminal.out("  key \(key)") }
    switch entry.status {
    case .cached(let digest):
      Terminal.out("  cached: it will not run (artifact \(digest.prefix(12)))")
    case .missing:
      Terminal.out("  missing: never run with these params and inputs, and this spec has no earlier run of it to compare")
    case .stale(let changes):
      Terminal.out("  stale: it will run because, since its last recorded run:")
      for change in changes { Terminal.out("    \(change)") }
    case .blocked(let by):
      Terminal.out("  pending: its key depends on '\(by)', which must run first")
    }
    Terminal.out("  params:")
    for line in prettyLines(node.params) { Terminal.out("    \(line)") }
    if node.settings != .object([:]) {
      Terminal.out("  settings (not in the key):")
      for line in prettyLines(node.settings) { Terminal.out("    \(line)") }
    }
  }

  private func prettyLines(_ value: SpecValue, indent: String = "") -> [String] {
    guard case .object(let fields) = value else { return [indent + value.canonicalJSON] }
    return fields.keys.sorted().flatMap { key -> [String] in
      if case .object = fields[key]! { return ["\(indent)\(key):"] + prettyLines(fields[key]!, indent: indent + "  ") }
      return ["\(indent)\(key): \(fields[key]!.canonicalJSON)"]
    }
  }
}

struct DagCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "dag",
    abstract: "Print the stage graph of a spec.",
    discussion: """
      Examples:
        sdfa dag experiments/quickstart.yml
        sdfa dag spec.yml --format dot | dot -Tsvg > dag.svg
        sdfa dag spec.yml --format mermaid
      """)

  enum Format: String, ExpressibleByArgument, CaseIterable { case text, dot, mermaid }

  @Argument(help: "Spec file.", completion: .file(extensions: ["yml", "yaml"])) var spec: String
  @Option(name: .long, help: "text, dot or mermaid.") var format: Format = .text
  @OptionGroup var options: SpecOptions

  func run() throws {
    guard let loaded = try options.loadSpecs([spec]).first else { return }
    let graph = StageGraph(spec: loaded, registry: CLIRuntime.registry)
    switch format {
    case .text:
      for node in graph.nodes {
        let inputs = node.inputOrder.compactMap { node.inputs[$0] }.map { graph.nodes[$0].label }
        Terminal.out(node.label + (inputs.isEmpty ? "" : "  ← " + (inputs.count > 4 ? "\(inputs.count) inputs" : inputs.joined(separator: ", "))))
      }
    case .dot:
      Terminal.out("digraph \"\(loaded.name)\" {\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\"];")
      for node in graph.nodes { Terminal.out("  n\(node.index) [label=\"\(node.label)\"];") }
      for node in graph.nodes { for p in Set(node.inputs.values).sorted() { Terminal.out("  n\(p) -> n\(node.index);") } }
      Terminal.out("}")
    case .mermaid:
      Terminal.out("flowchart LR")
      for node in graph.nodes { Terminal.out("  n\(node.index)[\"\(node.label)\"]") }
      for node in graph.nodes { for p in Set(node.inputs.values).sorted() { Terminal.out("  n\(p) --> n\(node.index)") } }
    }
  }
}

struct ValidateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "validate",
    abstract: "Check specs without running anything; or evaluate a checkpoint as a spec's model.",
    discussion: """
      Without --checkpoint, prints every problem of the specs with file:line:column.

      With --checkpoint FILE, loads FILE as the model of one sweep point of the spec (--point, \
      default the first), checks every tensor's shape against it, and evaluates it on the test \
      split: accuracy, loss and spike rate per layer. FILE is a safetensors checkpoint as the \
      train stage writes it, or a PyTorch .pth as the reference code saves it ({'net': \
      state_dict, …}, or a bare state dict). The point's load and bin stages run first through \
      the cache, as `sdfa run` would run them.

      Examples:
        sdfa validate experiments/*.yml experiments/paper/*.yml
        sdfa validate spec.yml --checkpoint checkpoint.safetensors
        sdfa validate spec.yml --checkpoint ref.pth --point method=bp/seed=0 --json
      """)

  @Argument(help: "Spec files.", completion: .file(extensions: ["yml", "yaml"])) var specs: [String]
  @OptionGroup var options: SpecOptions
  @Option(name: .long, help: ArgumentHelp("Evaluate this checkpoint (.safetensors or PyTorch .pth) on the test split.", valueName: "file"),
          completion: .file(extensions: ["safetensors", "pth", "pt"]))
  var checkpoint: String?
  @Option(name: .long, help: ArgumentHelp("The sweep point whose model the checkpoint is (with --checkpoint; default: the first).", valueName: "id"))
  var point: String?
  @Flag(name: .long, help: "Print the evaluation as JSON on stdout (with --checkpoint).") var json = false

  func validate() throws {
    if checkpoint == nil, point != nil || json { throw ValidationError("--point and --json need --checkpoint") }
    if checkpoint != nil, specs.count != 1 { throw ValidationError("--checkpoint evaluates against one spec; \(specs.count) were given") }
  }

  func run() throws {
    let loaded = try options.loadSpecs(specs)
    if let checkpoint, let spec = loaded.first {
      try evaluate(checkpoint, spec: spec)
      return
    }
    for spec in loaded {
      let points = spec.points.count, stages = StageGraph.nodeCount(spec: spec, registry: CLIRuntime.registry)
      Terminal.out("\(spec.file): ok (\(points) point\(points == 1 ? "" : "s"), \(stages) stage\(stages == 1 ? "" : "s"))")
    }
  }
}

extension String {
  func leftPad(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
