import ArgumentParser
import Foundation
import Pipeline

struct HardwareCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "hw",
    abstract: "Print the PipeLayer / PipeSDFA time and energy breakdown of a spec's trained networks.",
    discussion: """
      Shows, for every sweep point whose energy stage is cached, the per-layer and \
      per-component time and energy of both accelerators, their ratios and every assumption \
      of the model. Runs nothing: run the spec first.

      Examples:
        sdfa hw experiments/quickstart.yml
        sdfa hw experiments/quickstart.yml --point "method=sdfa/seed=0"
        sdfa hw --list-technologies            # built-in presets and hardware/*.yml here
        sdfa hw --show-technology rram-32nm    # every parameter with its source
      """)

  @Argument(help: "Spec file.", completion: .file(extensions: ["yml", "yaml"])) var spec: String?
  @Option(name: .long, help: "Only points whose label contains this text.") var point: String?
  @Flag(name: .customLong("list-technologies"), help: ArgumentHelp(
    "List the technologies hardware.technology can name, with their source (built in, or hardware/NAME.yml beside SPEC or here)."))
  var listTechnologies = false
  @Option(name: .customLong("show-technology"), help: ArgumentHelp("Print a technology's parameters (YAML).", valueName: "name"))
  var showTechnology: String?
  @OptionGroup var options: SpecOptions

  func validate() throws {
    if spec == nil && !listTechnologies && showTechnology == nil {
      throw ValidationError("name a spec, or pass --list-technologies or --show-technology NAME")
    }
  }

  /// The folder whose `hardware/` overrides the built-in presets: the spec's, else the current one.
  var specFolder: String {
    spec.map { URL(fileURLWithPath: $0).deletingLastPathComponent().path } ?? FileManager.default.currentDirectoryPath
  }

  func run() throws {
    if listTechnologies {
      let listing = CLIRuntime.technologies.list(specFolder)
      let width = listing.map(\.name.count).max() ?? 0
      for (name, source) in listing { Terminal.out(name.padding(toLength: width + 2, withPad: " ", startingAt: 0) + source) }
      return
    }
    if let name = showTechnology {
      guard let (text, source) = CLIRuntime.technologies.text(name, specFolder) else {
        Terminal.error("error: no technology '\(name)'; \(CLIRuntime.commandName) hw --list-technologies lists them")
        throw ExitCode(2)
      }
      Terminal.out("# \(name): \(source)")
      Terminal.out(text, terminator: "")
      return
    }
    guard let spec, let loaded = try options.loadSpecs([spec]).first else { return }
    let inspector = try options.reader(for: [spec])
    let entries = try inspector.status(StageGraph(spec: loaded, registry: CLIRuntime.registry))
    let energy = entries.filter { $0.kind == "energy" && (point.map($0.label.contains) ?? true) }
    guard !energy.isEmpty else {
      Terminal.error("\(spec) has no energy stages\(point.map { " matching '\($0)'" } ?? ""): add a 'hardware:' section")
      throw ExitCode(2)
    }
    var missing: [String] = []
    for entry in energy {
      guard case .cached(let digest) = entry.status else {
        missing.append(entry.label)
        continue
      }
      let file = inspector.store.artifactURL(digest).appendingPathComponent("breakdown.txt")
      Terminal.out((try? String(contentsOf: file, encoding: .utf8)) ?? "\(entry.label): no breakdown in its artifact")
      Terminal.out("")
    }
    if !missing.isEmpty {
      Terminal.error("not computed yet: \(missing.joined(separator: ", "))\nrun: sdfa run \(spec)")
      throw ExitCode(1)
    }
  }
}
