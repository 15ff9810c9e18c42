import ArgumentParser
import Foundation
import Pipeline

/// `sdfa log`: a stage's log, found by its label or key rather than by a hash-named file.
struct LogCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "log",
    abstract: "Print a stage's log, by label or key.",
    discussion: """
      STAGE is a label as `sdfa status --all` prints it (the latest run of that label), or a \
      key as `sdfa status --json` prints it (its first characters are enough). With several \
      specs that ran the same label, --spec picks one. `sdfa run` also links each log beside \
      its output: results/<spec>/<stage>/<point>.log. Reads the cache only.

      Examples:
        sdfa log "train method=sdfa/seed=0"
        sdfa log 3fa9c2e1
        sdfa log report --spec quickstart --path
      """)

  @Argument(help: "Stage label or key.") var stage: String
  @Option(name: .long, help: ArgumentHelp("The spec (its name) whose run of the label to show.", valueName: "name")) var spec: String?
  @Flag(name: .long, help: "Print the log file's path instead of its text.") var path = false
  @OptionGroup var options: SpecOptions

  func run() throws {
    let inspector = try options.reader()
    let index = inspector.index
    var key: String
    let byLabel = try index.latestKeys(label: stage).filter { spec == nil || $0.spec == spec }
    if byLabel.count == 1 {
      key = byLabel[0].key
    } else if byLabel.count > 1 {
      Terminal.error("error: \(byLabel.count) specs ran '\(stage)': \(byLabel.map(\.spec).joined(separator: ", "))\n  fix: add --spec NAME")
      throw ExitCode(2)
    } else {
      let keys = stage.count >= 4 && stage.allSatisfy(\.isHexDigit) ? try index.keys(startingWith: stage.lowercased()) : []
      guard keys.count == 1 else {
        if keys.count > 1 {
          Terminal.error("error: '\(stage)' starts \(keys.count)\(keys.count == 10 ? "+" : "") keys: give more of it")
        } else {
          let similar = try index.labels(containing: stage.split(separator: " ").first.map(String.init) ?? stage)
          Terminal.error("error: no stage labelled '\(stage)'\(spec.map { " in spec '\($0)'" } ?? "") and no key starting so in \(options.project().cacheDisplay)"
                         + (similar.isEmpty ? "" : "\n  labels that ran: " + similar.joined(separator: ", ")))
        }
        throw ExitCode(2)
      }
      key = keys[0]
    }
    let file = inspector.store.logURL(key)
    guard FileManager.default.fileExists(atPath: file.path) else {
      Terminal.error("error: stage \(key.prefix(12)) has no log in \(options.project().cacheDisplay) (run elsewhere, or removed by sdfa gc)")
      throw ExitCode(1)
    }
    if path { return Terminal.out(file.path) }
    let handle = try FileHandle(forReadingFrom: file)
    defer { try? handle.close() }
    while let chunk = try handle.read(upToCount: 1 << 16), !chunk.isEmpty { FileHandle.standardOutput.write(chunk) }
  }
}
