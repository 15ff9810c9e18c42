import Foundation
import Testing
@testable import Pipeline

/// `target` as a path relative to the current folder (`../../tmp/…`): what a user types in a
/// shell. The tests never change the current folder (other suites run beside them).
func relativeToCurrentFolder(_ target: String) -> String {
  let base = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).standardizedFileURL.pathComponents
  let goal = URL(fileURLWithPath: target).standardizedFileURL.pathComponents
  var common = 0
  while common < min(base.count, goal.count), base[common] == goal[common] { common += 1 }
  return (Array(repeating: "..", count: base.count - common) + goal[common...]).joined(separator: "/")
}

/// What a relative path in a spec is relative to: the file that wrote it, or the current
/// folder when `${VAR}` built it or `--set` gave it.
@Suite struct ValueOriginTests {
  static var currentFolder: String { URL(fileURLWithPath: FileManager.default.currentDirectoryPath).standardizedFileURL.path }

  @Test func theLoaderMarksScalarsThatInterpolationBuilt() throws {
    let node = try SpecLoader(environment: ["D": "dd"]).parse("""
      literal: data/x
      variable: ${D}/x
      defaulted: ${UNSET_SDFA_TEST_VARIABLE:-data}/x
      escaped: $${D}/x
      quoted: "${D}"
      nested: {deep: data}
      """, file: "t.yml")
    let flags = node.originsByPath.mapValues(\.interpolated)
    #expect(flags["literal"] == false)
    #expect(flags["variable"] == true)
    #expect(flags["defaulted"] == true)  // the default is the shell's too: ${X:-data}/x is cwd-relative in sh
    #expect(flags["escaped"] == false)   // `$$` is a literal `$`, no variable
    #expect(node.untypedValue[path: "escaped"] == .string("${D}/x"))
    #expect(flags["quoted"] == true)
    #expect(flags["nested"] == false && flags["nested.deep"] == false)
  }

  @Test func aLiteralPathFollowsTheFileThatWroteIt() throws {
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    let spec = try scratch.write("study/spec.yml", "x: 1\n")
    let included = try scratch.write("common.yml", "y: 2\n")
    let folder = scratch.url.standardizedFileURL.path
    let here = ValueOrigin(location: SourceLocation(file: spec, line: 3, column: 9))
    let resolved = here.resolve("data/../data/nmnist", specFile: spec)
    #expect(resolved.path == "\(folder)/study/data/nmnist")
    #expect(resolved.reason == "relative to the folder of \(spec), the file that wrote it")
    #expect(resolved.description == "'data/../data/nmnist' at \(spec):3:9, relative to the folder of \(spec), the file that wrote it")
    // Written in an included file: that file's folder, not the spec's.
    let there = ValueOrigin(location: SourceLocation(file: included, line: 1, column: 4))
    #expect(there.resolve("data", specFile: spec).path == "\(folder)/data")
    // A position in no file on disk (an imported reference config): the spec's folder.
    let imported = ValueOrigin(location: SourceLocation(file: "\(spec) (as imported)", line: 2, column: 1))
    #expect(imported.resolve("data", specFile: spec).path == "\(folder)/study/data")
  }

  @Test func aValueFromAVariableOrTheCommandLineFollowsTheCurrentFolder() throws {
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    let spec = try scratch.write("study/spec.yml", "x: 1\n")
    let variable = ValueOrigin(location: SourceLocation(file: spec, line: 3, column: 9), interpolated: true)
    let resolved = variable.resolve("data/nmnist", specFile: spec)
    #expect(resolved.path == "\(Self.currentFolder)/data/nmnist")
    #expect(resolved.reason.contains("current folder") && resolved.reason.contains("${…}"))
    let set = ValueOrigin(location: SourceLocation(file: "--set dataset.root", line: 1, column: 1))
    #expect(set.resolve("d", specFile: spec).path == "\(Self.currentFolder)/d")
    #expect(set.resolve("d", specFile: spec).description == "'d' (--set), relative to the current folder, as it was given with --set")
  }

  @Test(arguments: [false, true])
  func absolutePathsStayAndTildeIsTheHomeFolder(interpolated: Bool) throws {
    let origin = ValueOrigin(location: SourceLocation(file: "/nonexistent/spec.yml", line: 1, column: 1), interpolated: interpolated)
    #expect(origin.resolve("/srv/data/./nmnist", specFile: "/nonexistent/spec.yml").path == "/srv/data/nmnist")
    let home = FileManager.default.homeDirectoryForCurrentUser.standardizedFileURL.path
    #expect(origin.resolve("~/data", specFile: "/nonexistent/spec.yml").path == "\(home)/data")
    #expect(origin.resolve("~", specFile: "/nonexistent/spec.yml").path == home)
  }

  @Test func anIncludeBuiltFromAVariableFollowsTheCurrentFolder() throws {
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    let common = try scratch.write("shared/common.yml", "from_common: 1\n")
    // Beside the spec, a decoy with the same relative name: the literal include reads it.
    _ = try scratch.write("study/shared/common.yml", "from_decoy: 1\n")
    let relative = relativeToCurrentFolder(common)
    #expect(!relative.hasPrefix("/"))
    let variable = try scratch.write("study/variable.yml", "include: ${INC}\nx: 1\n")
    let node = try SpecLoader(environment: ["INC": relative]).load(variable).node
    #expect(node["from_common"] != nil && node["from_decoy"] == nil)
    let literal = try scratch.write("study/literal.yml", "include: shared/common.yml\nx: 1\n")
    let other = try SpecLoader(environment: [:]).load(literal).node
    #expect(other["from_decoy"] != nil && other["from_common"] == nil)
  }

  @Test func aRelativeExecutorPathFollowsTheSpecAndANameStaysAName() throws {
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    let folder = scratch.url.standardizedFileURL.path
    func executable(_ value: String, environment: [String: String] = [:]) throws -> String? {
      let path = try scratch.write("study/spec.yml", """
        name: s
        dataset:
          kind: synthetic
        executor:
          sdfa: \(value)
        """)
      let spec = try Spec.load(path, registry: SpecTestRegistry.registry, environment: environment)
      return ExecutorSettings(of: spec).sdfa
    }
    #expect(try executable("bin/sdfa") == "\(folder)/study/bin/sdfa")
    #expect(try executable("sdfa") == "sdfa")
    #expect(try executable("/opt/sdfa/bin/sdfa") == "/opt/sdfa/bin/sdfa")
    #expect(try executable("${B}/sdfa", environment: ["B": "bin"]) == "\(Self.currentFolder)/bin/sdfa")
  }
}
