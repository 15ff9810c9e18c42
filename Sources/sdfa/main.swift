import CLI
import Stages

RootCommand.main(
  registry: Stages.registry, commands: [DataCommand.self, SensitivityCommand.self, TrainRankCommand.self],
  technologies: TechnologyCatalog(
    list: { folder in TechnologyPresets.listing(specFolder: folder).map { ($0.name, $0.source) } },
    text: { name, folder in TechnologyPresets.resolvedText(name, specFolder: folder) }))
