import ArgumentParser
import Events

/// `sdfa data`: the dataset commands (they need the readers, so they live in the executable
/// rather than in the pipeline-only `CLI` target).
struct DataCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "data",
    abstract: "Check a dataset's original files, or draw one binned sample.",
    discussion: """
      Examples:
        sdfa data check nmnist data/nmnist
        sdfa data check braille ../shared/realdata/braille
        sdfa data show experiments/quickstart.yml 3 --out sample3.svg
      """,
    subcommands: [DataCheckCommand.self, DataShowCommand.self])
}

extension DatasetKind: ExpressibleByArgument {}

extension DatasetSplit: ExpressibleByArgument {
  public init?(argument: String) {
    switch argument.lowercased() {
    case "train": self = .train
    case "test": self = .test
    default: return nil
    }
  }

  public static var allValueStrings: [String] { ["train", "test"] }
  public var defaultValueDescription: String { description }
}

extension LabelOrder: ExpressibleByArgument {
  public static var allValueStrings: [String] { ["spikingjelly", "natural"] }
  public var defaultValueDescription: String { rawValue }
}
