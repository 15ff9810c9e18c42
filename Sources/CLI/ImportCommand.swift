import ArgumentParser
import Foundation
import Pipeline

struct ImportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "import",
    abstract: "Convert the reference code's flat YAML configs into specs.",
    discussion: """
      Reads configs in the schema of the paper's train.py (dataset, data_dir, T, tau, \
      v_threshold, input_dim, hidden_dim, classes, net, num_layers, channels, neuron_type, \
      batch_size, epochs, optim, momentum, weight_decay, lr, training_method, loss_func). Keys a \
      config does not set take the reference code's defaults; run-environment keys (device, \
      num_workers, out_dir, resume, use_cupy, amp, model_path) are accepted and ignored; an \
      unknown key is an error with file:line:column and the nearest valid key. Each spec starts \
      with comments naming its source config, the ignored keys and what the conversion decided.

      Without --out the specs are printed; with --out each is written as \
      DIR/<dataset>-<config>.yml and then validated.

      Examples:
        sdfa import conf/NMNIST/mlpb.yml
        sdfa import conf/*/*.yml -o experiments/imported
        sdfa run experiments/imported/shd-mlpb.yml --seeds 5
      """)

  @Argument(help: "Reference config files.", completion: .file(extensions: ["yml", "yaml"]))
  var configs: [String]

  @Option(name: [.customShort("o"), .customLong("out")], help: ArgumentHelp(
    "Write the specs into this folder (default: print them).", valueName: "dir"))
  var out: String?

  @Flag(name: .long, help: "Overwrite spec files that already exist in the output folder.")
  var force = false

  func run() throws {
    guard let translate = CLIRuntime.registry.translator else {
      Terminal.error("error: this build of \(CLIRuntime.commandName) has no reference-config importer")
      throw ExitCode(1)
    }
    var converted: [(file: String, name: String, spec: String)] = []
    var failed = false
    for file in configs {
      do {
        let (node, _) = try SpecLoader().load(file)
        guard let result = try translate(node, file) else {
          Terminal.error("""
            \(file): error: not a reference config: it has spec sections (train:, model:, …) or none of the reference keys
              fix: a spec needs no import: \(CLIRuntime.commandName) validate \(file)
            """)
          failed = true
          continue
        }
        converted.append((file, result.name, result.spec))
      } catch let errors as SpecErrors {
        Terminal.error(errors.description)
        failed = true
      }
    }
    for (name, group) in Dictionary(grouping: converted, by: { $0.name }) where group.count > 1 {
      Terminal.error("error: \(group.map(\.file).joined(separator: " and ")) would both become spec '\(name)'")
      Terminal.error("  fix: import them into separate folders")
      failed = true
    }
    if failed {
      Terminal.error("nothing was written: fix the configs and try again")
      throw ExitCode(2)
    }
    guard let out else {
      // Several specs print as YAML documents, `---` between them.
      Terminal.out(String(converted.map(\.spec).joined(separator: "---\n").dropLast()))
      return
    }
    try write(converted, into: out)
  }

  /// Writes each spec as DIR/<name>.yml, then loads it as `sdfa validate` would and reports
  /// what this build cannot run yet (a network the training engine does not build).
  private func write(_ specs: [(file: String, name: String, spec: String)], into directory: String) throws {
    let fm = FileManager.default
    let targets = specs.map { URL(fileURLWithPath: directory).appendingPathComponent("\($0.name).yml") }
    let existing = targets.filter { fm.fileExists(atPath: $0.path) }
    if !force, !existing.isEmpty {
      for url in existing { Terminal.error("error: \(url.relativePath) exists") }
      Terminal.error("  fix: pass --force to overwrite, or choose another folder with -o\nnothing was written")
      throw ExitCode(2)
    }
    try fm.createDirectory(atPath: directory, withIntermediateDirectories: true)
    for (spec, url) in zip(specs, targets) {
      try spec.spec.write(to: url, atomically: true, encoding: .utf8)
      do {
        _ = try Spec.load(url.relativePath, registry: CLIRuntime.registry)
        Terminal.out("wrote \(url.relativePath) (from \(spec.file))")
      } catch let errors as SpecErrors {
        Terminal.out("wrote \(url.relativePath) (from \(spec.file)); it does not validate in this build:")
        Terminal.out(errors.errors.map { "  \($0.description)" }.joined(separator: "\n"))
      }
    }
  }
}
