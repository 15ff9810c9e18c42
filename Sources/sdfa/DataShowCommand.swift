import ArgumentParser
import CLI
import Events
import Foundation
import Pipeline

/// `sdfa data show SPEC SAMPLE`: draws one sample's cached frames (the spec's `bin` stage) as
/// an SVG grid, or a PNG through `rsvg-convert`.
struct DataShowCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "show",
    abstract: "Draw one sample's binned frames (the spec's cached 'bin' stage) as SVG or PNG.",
    discussion: """
      A camera sample is drawn as T panels, one per time step, ON events red and OFF events \
      blue; channel data (SHD, Braille) as one time × channel heat-map. Runs nothing: run the \
      spec first. Without --out the SVG goes to standard output.

      Examples:
        sdfa data show experiments/quickstart.yml 0 --out sample0.svg
        sdfa data show experiments/quickstart.yml 7 --split test --out sample7.png
        sdfa data show sweep.yml 3 --point T=16 | rsvg-convert > sample3.png
      """)

  @Argument(help: "Spec file.", completion: .file(extensions: ["yml", "yaml"])) var spec: String
  @Argument(help: ArgumentHelp("Index of the sample within its split.", valueName: "sample")) var sample: Int
  @Option(name: .long, help: "The split the sample index counts in.") var split: DatasetSplit = .train
  @Option(name: .long, help: "The bin stage whose label contains this text, when the spec has several.") var point: String?
  @Option(name: .long, help: ArgumentHelp("Write FILE.svg, or FILE.png (needs rsvg-convert).", valueName: "file"),
          completion: .file(extensions: ["svg", "png"]))
  var out: String?
  @OptionGroup var options: SpecOptions

  func validate() throws {
    guard sample >= 0 else { throw ValidationError("SAMPLE must be 0 or more") }
    if let out, !out.hasSuffix(".svg"), !out.hasSuffix(".png") { throw ValidationError("--out must end in .svg or .png") }
  }

  func run() throws {
    guard let loaded = try options.loadSpecs([spec]).first else { return }
    let runner = try options.runner()
    let entries = try Inspector(store: runner.store, index: runner.index).status(StageGraph(spec: loaded, registry: CLIRuntime.registry))
    let bins = entries.filter { $0.kind == "bin" }
    let matching = bins.filter { entry in point.map { entry.label.contains($0) } ?? true }
    guard let entry = matching.first else {
      if bins.isEmpty {
        Terminal.error("\(spec) has no bin stage: add a 'frames:' section (e.g. frames: {T: 10})")
      } else {
        Terminal.error("no bin stage of \(spec) matches '\(point ?? "")'; its bin stages: \(bins.map(\.label).joined(separator: ", "))")
      }
      throw ExitCode(2)
    }
    if matching.count > 1 {
      Terminal.error("note: \(matching.count) bin stages; showing '\(entry.label)' (choose with --point): "
        + matching.map(\.label).joined(separator: ", "))
    }
    guard case .cached(let digest) = entry.status else {
      Terminal.error("the frames of '\(entry.label)' are not computed yet: run `sdfa run \(spec)` first")
      throw ExitCode(1)
    }

    let frames: FramesContainer
    do {
      frames = try FramesContainer(contentsOf: runner.store.artifactURL(digest).appendingPathComponent("frames.sdff"))
    } catch {
      Terminal.error("\(error)")
      throw ExitCode(1)
    }
    let count = frames.count(split: split)
    guard sample < count else {
      Terminal.error("\(split) has \(count) sample\(count == 1 ? "" : "s") (0..<\(count)); there is no sample \(sample)")
      throw ExitCode(2)
    }
    let index = frames.sampleIndex(split: split, index: sample)
    let label = frames.label(index)
    let name = frames.classNames[label]
    let m = frames.metadata
    let place = entry.label == "bin" ? "spec \(loaded.name)" : "spec \(loaded.name), point \(entry.label.dropFirst("bin ".count))"
    let drawing = FramesSVG(
      frames, sample: index,
      title: "\(m.datasetKind) \(split) sample \(sample): class '\(name)' (label \(label))",
      subtitle: "\(place) · T = \(frames.stepCount(index)), split_by \(m.splitBy) · frames \(digest.prefix(12))")
    let svg = drawing.render()

    guard let out else {
      try FileHandle.standardOutput.write(contentsOf: Data(svg.utf8))
      return
    }
    if out.hasSuffix(".png") {
      try Self.writePNG(svg, to: out)
    } else {
      try Data(svg.utf8).write(to: URL(fileURLWithPath: out), options: .atomic)
    }
    Terminal.out("wrote \(out): \(split) sample \(sample), class '\(name)', \(frames.stepCount(index)) time steps")
  }

  /// Converts through `rsvg-convert` (Debian: librsvg2-bin), from a temporary file rather
  /// than a pipe, so that a converter that dies early cannot take this process with SIGPIPE.
  static func writePNG(_ svg: String, to path: String) throws {
    let source = FileManager.default.temporaryDirectory.appendingPathComponent("sdfa-show-\(UUID().uuidString).svg")
    try Data(svg.utf8).write(to: source)
    defer { try? FileManager.default.removeItem(at: source) }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["rsvg-convert", "--format", "png", "--output", path, source.path]
    do {
      try process.run()
    } catch {
      Terminal.error("cannot run rsvg-convert (\(error)): install librsvg2-bin, or write --out FILE.svg")
      throw ExitCode(1)
    }
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
      Terminal.error("rsvg-convert failed (exit \(process.terminationStatus)): install librsvg2-bin, or write --out FILE.svg")
      throw ExitCode(1)
    }
  }
}
