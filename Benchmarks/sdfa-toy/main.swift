import CLI

RootCommand.main(registry: toyRegistry)
