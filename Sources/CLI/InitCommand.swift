import ArgumentParser
import Foundation
import Pipeline

/// `sdfa init`: makes a folder a project, as `git init` and `dvc init` do.
struct InitCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "init",
    abstract: "Make a folder an sdfa project: a .sdfa/ cache, a starter spec, .gitignore lines.",
    discussion: """
      Every command run in the project or on one of its specs, from any subfolder, then \
      uses the project's cache (.sdfa/) and results (results/), as git finds its repository. \
      The starter spec (spec.yml) trains BP and SDFA for three epochs on synthetic data (seconds) and \
      estimates their time and energy on the built-in rram-32nm technology. Nothing that \
      exists is overwritten; running init again adds only what is missing.

      Examples:
        sdfa init
        sdfa init my-study && cd my-study && sdfa run spec.yml
      """)

  @Argument(help: "The project's folder (default: the current one); created if missing.", completion: .directory)
  var folder: String = "."

  static let starterSpec = """
    # yaml-language-server: $schema=.sdfa/spec.schema.json
    # A starter experiment: BP against SDFA on a little synthetic N-MNIST-like data (no download),
    # mapped onto crossbars of the built-in rram-32nm technology.
    #   sdfa run spec.yml       then   sdfa status spec.yml
    # Every key with its type, default and meaning: sdfa schema (or docs/spec.md).
    name: starter
    seeds: 1
    dataset: {kind: synthetic, like: nmnist, train: 400, test: 100, events_per_sample: 1000}
    frames: {T: 6}
    model: {arch: mlp, hidden: [64]}
    train: {method: sdfa, epochs: 3, batch_size: 32, optimizer: {type: adam, lr: 1.0e-2}}
    hardware: {technology: rram-32nm}
    sweep: {train.method: [bp, sdfa]}

    """

  static let ignoredLines = [".sdfa/", "results/"]

  func run() throws {
    let fm = FileManager.default
    let root = URL(fileURLWithPath: folder).standardizedFileURL
    let cache = root.appendingPathComponent(Project.cacheName)
    var made: [String] = []
    do {
      if !fm.fileExists(atPath: cache.path) {
        try fm.createDirectory(at: cache, withIntermediateDirectories: true)
        made.append("\(Project.cacheName)/ (the cache)")
      }
      // The JSON Schema the starter spec's first line points editors at.
      let schema = cache.appendingPathComponent("spec.schema.json")
      try Data((try SpecSchemaDocument(registry: CLIRuntime.registry).jsonSchema() + "\n").utf8).write(to: schema, options: .atomic)
      let spec = root.appendingPathComponent("spec.yml")
      if !fm.fileExists(atPath: spec.path) {
        try Data(Self.starterSpec.utf8).write(to: spec, options: .atomic)
        made.append("spec.yml (a starter spec)")
      }
      let gitignore = root.appendingPathComponent(".gitignore")
      let existing = (try? String(contentsOf: gitignore, encoding: .utf8)) ?? ""
      let present = Set(existing.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) })
      let missing = Self.ignoredLines.filter { !present.contains($0) }
      if !missing.isEmpty {
        let separator = existing.isEmpty || existing.hasSuffix("\n") ? "" : "\n"
        try Data((existing + separator + missing.joined(separator: "\n") + "\n").utf8).write(to: gitignore, options: .atomic)
        made.append(".gitignore lines: \(missing.joined(separator: " "))")
      }
    } catch {
      Terminal.error("error: cannot make a project in \(root.path): \(error)")
      throw ExitCode(1)
    }
    let shown = Project.display(root, from: URL(fileURLWithPath: fm.currentDirectoryPath))
    if made.isEmpty {
      Terminal.out("\(shown) is already an sdfa project; nothing to add")
    } else {
      Terminal.out("made an sdfa project in \(shown):")
      for item in made { Terminal.out("  \(item)") }
      Terminal.out("next: \(CLIRuntime.commandName) run \(shown == "." ? "" : shown + "/")spec.yml")
    }
  }
}
