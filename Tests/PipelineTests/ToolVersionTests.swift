import Testing
@testable import Pipeline

@Test func toolVersionIsSemantic() {
  let parts = PipelineInfo.toolVersion.split(separator: ".")
  #expect(parts.count == 3 && parts.allSatisfy { Int($0) != nil })
}
