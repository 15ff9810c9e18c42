import Foundation
import Pipeline
import Stages
import Testing

/// `dataset.root` (and a technology path) by the rule of `ValueOrigin`: a literal relative path
/// follows the file that wrote it, one built from `${VAR}` the current folder. Where the data
/// is never moves a key. The current folder here is the package (no `data/` there); no test
/// changes it, since other suites run beside these.
@Suite(.serialized) struct DatasetRootTests {
  static var currentFolder: String { URL(fileURLWithPath: FileManager.default.currentDirectoryPath).standardizedFileURL.path }

  /// `target` relative to the current folder (`../../tmp/…`), as typed in a shell.
  static func relativeToCurrentFolder(_ target: URL) -> String {
    let base = URL(fileURLWithPath: currentFolder).pathComponents
    let goal = target.standardizedFileURL.pathComponents
    var common = 0
    while common < min(base.count, goal.count), base[common] == goal[common] { common += 1 }
    return (Array(repeating: "..", count: base.count - common) + goal[common...]).joined(separator: "/")
  }

  static func spec(root: String, extra: String = "") -> String {
    "name: data\ndataset:\n  kind: nmnist\n  root: \(root)\nframes: {T: 4}\n\(extra)"
  }

  static func load(_ path: String, environment: [String: String] = [:], set: [String] = []) throws -> Spec {
    try Spec.load(path, registry: Stages.registry, overrides: .init(assignments: set), environment: environment)
  }

  /// Keys of every node, by label, with placeholder input digests.
  static func keys(_ spec: Spec) -> [String: String] {
    let graph = StageGraph(spec: spec, registry: Stages.registry)
    return Dictionary(uniqueKeysWithValues: zip(graph.nodes.map(\.label), graph.nodes.map { $0.key(inputs: $0.inputs.mapValues { _ in "input" }).hex }))
  }

  @Test func aLiteralRelativeRootIsTheSpecsFolderWhateverTheCurrentFolder() throws {
    let dir = try StagesTests.scratch()
    defer { try? FileManager.default.removeItem(at: dir) }
    let study = dir.appendingPathComponent("study")
    try MiniNMNIST.write(at: study.appendingPathComponent("data"))
    #expect(!FileManager.default.fileExists(atPath: "data"), "the current folder must not hold data/ for this test")
    let path = try StagesTests.write(Self.spec(root: "data"), in: study)
    let spec = try Self.load(path)
    let config = try #require(spec.points.first?.config)
    #expect(config[path: "dataset.root"] == .string(study.appendingPathComponent("data").standardizedFileURL.path))
    #expect(config[path: "dataset.files"] != nil, "the folder was found and keyed")
    #expect(config[path: "dataset.root_written"]?.stringValue?.contains("relative to the folder of \(path)") == true)
    // And `load` reads it.
    let summary = try StagesTests.runner(dir).run(StageGraph(spec: spec, registry: Stages.registry), options: RunOptions(jobs: 2))
    #expect(summary.succeeded, "\(summary.failures)")
  }

  @Test func aRootBuiltFromAVariableIsTheCurrentFoldersAndTheKeysAreTheSame() throws {
    let dir = try StagesTests.scratch()
    defer { try? FileManager.default.removeItem(at: dir) }
    let data = dir.appendingPathComponent("study/data")
    try MiniNMNIST.write(at: data)
    let literal = try Self.load(try StagesTests.write(Self.spec(root: "data"), in: dir.appendingPathComponent("study")))
    // `${D}` relative to the current folder reaches the same data; the same text written
    // literally would be looked for beside the spec.
    let relative = Self.relativeToCurrentFolder(data)
    // (Written two folders deeper than the package is, so that the text taken from the spec's
    // folder would name another place.)
    let deeper = dir.appendingPathComponent("a/b/c")
    try FileManager.default.createDirectory(at: deeper, withIntermediateDirectories: true)
    let variablePath = try StagesTests.write(Self.spec(root: "${D}"), in: deeper, as: "variable.yml")
    let variable = try Self.load(variablePath, environment: ["D": relative])
    #expect(variable.points[0].config[path: "dataset.root"] == .string(data.standardizedFileURL.path))
    #expect(variable.points[0].config[path: "dataset.root_written"]?.stringValue?.contains("current folder") == true)
    // Moved data, absolute path: where the data is enters no key.
    let moved = dir.appendingPathComponent("elsewhere/N-MNIST")
    try FileManager.default.createDirectory(at: moved.deletingLastPathComponent(), withIntermediateDirectories: true)
    try FileManager.default.copyItem(at: data, to: moved)
    let absolute = try Self.load(try StagesTests.write(Self.spec(root: moved.path), in: dir, as: "absolute.yml"))
    let keys = Self.keys(literal)
    #expect(keys["load"] != nil && keys["bin"] != nil)
    #expect(Self.keys(variable) == keys)
    #expect(Self.keys(absolute) == keys)
    // The default of `${SDFA_DATA:-data}` is the shell's too: `data/nmnist` of the current folder.
    let defaulted = try Self.load(try StagesTests.write(Self.spec(root: "${SDFA_DATA:-data}/nmnist"), in: dir, as: "paper.yml"))
    #expect(defaulted.points[0].config[path: "dataset.root"] == .string("\(Self.currentFolder)/data/nmnist"))
  }

  @Test func anIncludedRootFollowsTheIncludedFileAndASweptOneItsItem() throws {
    let dir = try StagesTests.scratch()
    defer { try? FileManager.default.removeItem(at: dir) }
    let study = dir.appendingPathComponent("studies/a")
    try FileManager.default.createDirectory(at: study, withIntermediateDirectories: true)
    try "dataset:\n  kind: nmnist\n  root: shared/nmnist\n".write(to: dir.appendingPathComponent("studies/common.yml"), atomically: true, encoding: .utf8)
    let including = try Self.load(try StagesTests.write("include: ../common.yml\nname: i\nframes: {T: 4}\n", in: study))
    #expect(including.points[0].config[path: "dataset.root"] == .string(dir.appendingPathComponent("studies/shared/nmnist").path))

    let swept = try Self.load(try StagesTests.write(Self.spec(root: "base", extra: "sweep:\n  dataset.root: [mine, \"${D}\"]\n"), in: study, as: "swept.yml"),
                              environment: ["D": "theirs"])
    #expect(swept.points.map { $0.config[path: "dataset.root"] } == [
      .string(study.appendingPathComponent("mine").path), .string("\(Self.currentFolder)/theirs"),
    ])
    // `--set` was typed in the shell: the current folder.
    let set = try Self.load(try StagesTests.write(Self.spec(root: "base"), in: study, as: "set.yml"), set: ["dataset.root=typed"])
    #expect(set.points[0].config[path: "dataset.root"] == .string("\(Self.currentFolder)/typed"))
    // `~` is the home folder; an absolute path is kept.
    let home = try Self.load(try StagesTests.write(Self.spec(root: "~/sdfa-no-such-data"), in: study, as: "home.yml"))
    #expect(home.points[0].config[path: "dataset.root"]
      == .string(FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent("sdfa-no-such-data").standardizedFileURL.path))
  }

  @Test func aMissingRootSaysWhatWasWrittenWhatItResolvedToAndWhy() throws {
    let dir = try StagesTests.scratch()
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = try StagesTests.write(Self.spec(root: "data/nmnist"), in: dir)
    let spec = try Self.load(path)  // validating needs no data
    let summary = try StagesTests.runner(dir).run(StageGraph(spec: spec, registry: Stages.registry), options: RunOptions(jobs: 2))
    let message = try #require(summary.failures.first?.message)
    let resolved = dir.appendingPathComponent("data/nmnist").standardizedFileURL.path
    #expect(message.contains("dataset folder '\(resolved)' does not exist ('data/nmnist' at \(path):4:9, relative to the folder of \(path), the file that wrote it)"),
            "\(message)")

    let variable = try Self.load(try StagesTests.write(Self.spec(root: "${SDFA_DATA:-data}/nmnist"), in: dir, as: "v.yml"))
    let failed = try StagesTests.runner(dir).run(StageGraph(spec: variable, registry: Stages.registry), options: RunOptions(jobs: 2))
    let text = try #require(failed.failures.first?.message)
    #expect(text.contains("dataset folder '\(Self.currentFolder)/data/nmnist' does not exist ('data/nmnist' at "), "\(text)")
    #expect(text.contains("relative to the current folder, as it was built from ${…}"), "\(text)")
  }

  @Test func aTechnologyPathFromAVariableIsTheCurrentFolders() throws {
    let dir = try TechnologyPresetTests.folder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let text = try String(contentsOf: TechnologyPresetTests.presetFolder.appendingPathComponent("rram-32nm.yml"), encoding: .utf8)
    let file = dir.appendingPathComponent("tech/mine.yml")
    try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
    try text.replacingOccurrences(of: "crossbar_rows: 128", with: "crossbar_rows: 64").write(to: file, atomically: true, encoding: .utf8)
    let spec = TechnologyPresetTests.spec(technology: "x").replacingOccurrences(of: "hardware: {technology: x}", with: "hardware:\n  technology: ${T}")
    let path = try StagesTests.write(spec, in: dir.appendingPathComponent("tech"))
    let loaded = try Self.load(path, environment: ["T": Self.relativeToCurrentFolder(file)])
    #expect(loaded.points[0].config[path: "hardware.technology_values.crossbar_rows"] == .number(64))
    // The same variable holding the name as written beside the spec is not found there.
    #expect {
      try Self.load(path, environment: ["T": "mine.yml"])
    } throws: { error in
      "\(error)".contains("\(Self.currentFolder)/mine.yml") && "\(error)".contains("current folder")
    }
  }

  @Test func anImportedRelativeDataDirIsNotedAndFollowsTheSpec() throws {
    let dir = try StagesTests.scratch()
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = dir.appendingPathComponent("conf.yml")
    try "dataset: nmnist\ntraining_method: sdfa\ndata_dir: ./data/\n".write(to: file, atomically: true, encoding: .utf8)
    let config = try ReferenceImport.read(file.path, environment: [:])
    let note = try #require(config.notes.first { $0.hasPrefix("data_dir './data/' is relative") }, "\(config.notes)")
    #expect(note.contains("dataset.root ./data/\(config.datasetRoot.split(separator: "/").last!)"))
    let imported = dir.appendingPathComponent("imported")
    try FileManager.default.createDirectory(at: imported, withIntermediateDirectories: true)
    let spec = try Self.load(try StagesTests.write(config.specText, in: imported))
    #expect(spec.points[0].config[path: "dataset.root"]?.stringValue?.hasPrefix(imported.appendingPathComponent("data").path + "/") == true)
  }
}

extension StagesTests {
  /// A runner on `<dir>/.sdfa`.
  static func runner(_ dir: URL) throws -> Runner {
    try Runner(cache: dir.appendingPathComponent(".sdfa"), registry: Stages.registry)
  }
}
