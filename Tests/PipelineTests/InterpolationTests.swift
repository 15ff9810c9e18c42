import Pipeline
import Testing

@Suite struct InterpolationTests {
  @Test(arguments: [
    (["D": "/data"], "/data/x"),
    (["D": ""], "data/x"),  // empty counts as unset for ':-', as in the shell
    ([:], "data/x"),
  ])
  func defaultsApplyWhenTheVariableIsUnsetOrEmpty(environment: [String: String], expected: String) throws {
    let node = try SpecLoader(environment: environment).parse("root: ${D:-data}/x", file: "t.yml")
    #expect(node.untypedValue[path: "root"] == .string(expected))
  }

  @Test func aSetButEmptyVariableWithoutDefaultStaysEmpty() throws {
    let node = try SpecLoader(environment: ["D": ""]).parse("root: \"${D}/x\"", file: "t.yml")
    #expect(node.untypedValue[path: "root"] == .string("/x"))
  }
}
