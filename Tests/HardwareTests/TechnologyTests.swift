import Foundation
import Testing
import TestSupport
@testable import Hardware

@Suite struct TechnologyTests {
  static let presetNames = ["rram-32nm", "mnsim-like", "neurosim-like", "agasi-slow"]

  static func presetText(_ name: String) throws -> String {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
    return try String(contentsOf: root.appendingPathComponent("experiments/hardware/\(name).yml"), encoding: .utf8)
  }

  static var allKeyPaths: Set<String> {
    Set(Technology.codingKeyNames + AreaParameters.codingKeyNames.map { "area." + $0 }
        + Architecture.codingKeyNames.map { "architecture." + $0 })
  }

  @Test(arguments: presetNames)
  func presetCoversEveryKeyDecodesAndValidates(name: String) throws {
    let text = try Self.presetText(name)
    let keys = MiniYAML.keyPaths(try MiniYAML.parse(text))
    #expect(keys == Self.allKeyPaths, "missing: \(Self.allKeyPaths.subtracting(keys)), unknown: \(keys.subtracting(Self.allKeyPaths))")
    let tech = try JSONDecoder().decode(Technology.self, from: try MiniYAML.json(text))
    #expect(tech.name == name)
    #expect(tech.validate().isEmpty, "\(tech.validate())")
  }

  @Test func defaultPresetFileEqualsTheSwiftPreset() throws {
    let tech = try JSONDecoder().decode(Technology.self, from: try MiniYAML.json(try Self.presetText("rram-32nm")))
    #expect(tech == Technology.isaac32nm)
  }

  @Test func validateNamesTheFieldPathAndTheAllowedRange() {
    var tech = Technology.isaac32nm
    tech.cellBits = 0
    tech.adcPj = -1
    tech.architecture.backwardSlotFactor = 0.5
    let issues = tech.validate()
    #expect(issues.map(\.path) == ["cell_bits", "adc_pj", "architecture.backward_slot_factor"])
    #expect(issues[0].allowed == "1...8")
    #expect(issues[0].description == "cell_bits: 0 is out of range; allowed: 1...8")
  }

  @Test func balancedReplicationNeedsABudget() {
    var tech = Technology.isaac32nm
    tech.architecture.replication = .balanced
    #expect(tech.validate().map(\.path) == ["architecture.array_budget"])
  }

  @Test func writePulseEnergyIsVSquaredTimesConductanceTimesPulseWidth() {
    // MNSIM: 3 V, 50.5 µS, 10 ns → 9 · 50.5e-6 · 10e-9 J = 4.545 pJ.
    #expect(abs(Technology.isaac32nm.writePulsePj - 4.545) < 1e-9)
    #expect(Technology.isaac32nm.cellsPerWeight == 4)
  }

  /// ISAAC Table I: IMA 24.08 mW, tile ≈ 330 mW and 0.372 mm².
  @Test func isaacComponentSumsMatchThePublishedTotals() {
    #expect(abs(ISAACComponents.imaPowerMw - 24.08) < 1e-9)
    #expect(abs(ISAACComponents.tilePowerMw - 330) < 0.5)
    #expect(abs(ISAACComponents.tileAreaMm2 - 0.372) < 0.001)
  }

  @Test func defaultPerOperationEnergiesDeriveFromTheISAACTable() {
    let t = Technology.isaac32nm
    #expect(abs(ISAACComponents.crossbarReadPj - t.crossbarReadPj) < 1e-9)
    #expect(abs(ISAACComponents.adcPj - t.adcPj) < 1e-9)
    #expect(abs(ISAACComponents.dacPj - t.dacPj) / t.dacPj < 0.05)
    #expect(abs(ISAACComponents.shiftAddPj - t.shiftAddPj) / t.shiftAddPj < 0.05)
  }
}
