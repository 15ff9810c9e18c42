import ArgumentParser
import Pipeline

struct SDFA: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sdfa",
    abstract: "Declarative, cached experiment pipelines for spiking networks trained with BP and SDFA.",
    version: PipelineInfo.toolVersion)
}

SDFA.main()
