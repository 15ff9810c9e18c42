import CLI
import Stages

RootCommand.main(registry: Stages.registry, commands: [DataCommand.self, SensitivityCommand.self])
