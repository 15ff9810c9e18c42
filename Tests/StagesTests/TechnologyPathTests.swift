import Foundation
import Pipeline
import Stages
import Testing

/// Issue 13, item 10: `hardware.technology` naming a file that is not a technology file
/// (`../../etc/passwd`) is refused without echoing what the file holds.
struct TechnologyPathTests {
  @Test func aNonYAMLFileIsRefusedWithoutEchoingIt() throws {
    let dir = try StagesTests.scratch()
    defer { try? FileManager.default.removeItem(at: dir) }
    try Data("root:x:0:0:SECRET-TOKEN:/root:/bin/bash\nuser: SECRET-KEY\n".utf8).write(to: dir.appendingPathComponent("passwd"))
    let path = try StagesTests.write(StagesTests.smallSpec.replacingOccurrences(of: "rram-32nm", with: "./passwd"), in: dir)
    #expect {
      try Spec.load(path, registry: Stages.registry)
    } throws: { error in
      let text = "\(error)"
      return text.contains("must be a .yml or .yaml file") && !text.contains("SECRET")
    }
  }
}
