import ArgumentParser
import Foundation
import Pipeline

/// `sdfa schema`: every key a spec may have, from the schemas the stage kinds declare.
struct SchemaCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "schema",
    abstract: "Print every spec key: its type, default, allowed values and meaning.",
    discussion: """
      With SECTION, only that top-level key (train, model, hardware, …). --json-schema prints a \
      JSON Schema for editors: save it and put this first line in a spec to get completion, \
      hover docs and validation from the YAML language server (VS Code's YAML extension, \
      Neovim's yamlls, …):
        # yaml-language-server: $schema=.sdfa/spec.schema.json
      (`sdfa init` writes that file.) --markdown prints the reference of docs/spec.md.

      Examples:
        sdfa schema train
        sdfa schema --json-schema > .sdfa/spec.schema.json
      """)

  @Argument(help: "Only this top-level key.") var section: String?
  @Flag(name: .customLong("json-schema"), help: "Print a JSON Schema (draft-07) of the whole spec.") var jsonSchema = false
  @Flag(name: .long, help: "Print the reference as Markdown (docs/spec.md).") var markdown = false

  func validate() throws {
    if jsonSchema && markdown { throw ValidationError("choose one of --json-schema and --markdown") }
    if section != nil && (jsonSchema || markdown) { throw ValidationError("--json-schema and --markdown cover the whole spec: drop SECTION") }
  }

  func run() throws {
    let document = SpecSchemaDocument(registry: CLIRuntime.registry)
    if jsonSchema { return Terminal.out(try document.jsonSchema()) }
    if markdown { return Terminal.out(document.markdown(), terminator: "") }
    if let section, !document.fields.contains(where: { $0.name == section }) {
      let names = document.fields.map(\.name)
      Terminal.error("error: no top-level key '\(section)'\n  valid: \(names.joined(separator: ", "))")
      throw ExitCode(2)
    }
    Terminal.out(document.text(section: section))
  }
}
