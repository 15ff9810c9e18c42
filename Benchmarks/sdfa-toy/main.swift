import CLI
import ToyStages

RootCommand.main(registry: toyRegistry)
