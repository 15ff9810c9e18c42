import ArgumentParser
import CLI
import Foundation
import Stages

/// `sdfa sensitivity`: the hardware ratios of the nine paper workloads over the model's
/// `[assumption]` knobs, beside the paper's bands (docs/hardware-model.md).
struct SensitivityCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sensitivity",
    abstract: "Sweep the hardware model's assumptions for the paper's workloads. Trains nothing.",
    discussion: """
      Writes OUT/sensitivity.md (tables and the finding), OUT/sensitivity.json and \
      OUT/sensitivity.svg (the figure). Seconds: the model is analytic.

      Example:
        sdfa sensitivity experiments/hardware/sensitivity.yml --out results/hardware-sensitivity
      """)

  @Argument(help: "Sensitivity study file.", completion: .file(extensions: ["yml", "yaml"])) var file: String
  @Option(name: .long, help: "Output folder.") var out = "results/hardware-sensitivity"

  func run() throws {
    let output: SensitivityStudy.Output
    do { output = try SensitivityStudy.run(file) } catch {
      Terminal.error("\(error)")
      throw ExitCode(2)
    }
    let folder = URL(fileURLWithPath: out)
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    try Data(output.markdown.utf8).write(to: folder.appendingPathComponent("sensitivity.md"), options: .atomic)
    try output.json.write(to: folder.appendingPathComponent("sensitivity.json"), options: .atomic)
    try Data(output.svg.utf8).write(to: folder.appendingPathComponent("sensitivity.svg"), options: .atomic)
    Terminal.out(output.markdown)
    Terminal.out("wrote \(out)/sensitivity.{md,json,svg}")
  }
}
