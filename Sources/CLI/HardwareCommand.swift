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
      """)

  @Argument(help: "Spec file.", completion: .file(extensions: ["yml", "yaml"])) var spec: String
  @Option(name: .long, help: "Only points whose label contains this text.") var point: String?
  @OptionGroup var options: SpecOptions

  func run() throws {
    guard let loaded = try options.loadSpecs([spec]).first else { return }
    let runner = try options.runner()
    let entries = try Inspector(store: runner.store, index: runner.index).status(StageGraph(spec: loaded, registry: CLIRuntime.registry))
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
      let file = runner.store.artifactURL(digest).appendingPathComponent("breakdown.txt")
      Terminal.out((try? String(contentsOf: file, encoding: .utf8)) ?? "\(entry.label): no breakdown in its artifact")
      Terminal.out("")
    }
    if !missing.isEmpty {
      Terminal.error("not computed yet: \(missing.joined(separator: ", "))\nrun: sdfa run \(spec)")
      throw ExitCode(1)
    }
  }
}
