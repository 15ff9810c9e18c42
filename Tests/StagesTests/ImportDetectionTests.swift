import Foundation
import Pipeline
import Stages
import Testing

/// Telling reference configs from specs, the located errors of broken configs, and the paper
/// specs, which must validate in this build or wait only for their network.
@Suite struct ImportDetectionTests {
  static var paperFolder: URL { ImportTests.packageRoot.appendingPathComponent("experiments/paper") }

  static var paperSpecs: [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: paperFolder.path)) ?? [])
      .filter { $0.hasSuffix(".yml") }.sorted()
  }

  static func node(_ path: String) throws -> SpecNode { try SpecLoader(environment: [:]).load(path).node }

  @Test func referenceConfigsAreDetectedAndSpecsAreNot() throws {
    for name in ["nmnist-2fc.yml", "shd-3fc.yml", "dvs-vgg.yml", "shallow-defaults.yml", "broken-unknown-keys.yml"] {
      #expect(ReferenceImport.isReferenceConfig(try Self.node(ImportTests.fixture(name))), "\(name)")
    }
    let specs = Self.paperSpecs.map { Self.paperFolder.appendingPathComponent($0).path }
      + [ImportTests.packageRoot.appendingPathComponent("experiments/quickstart.yml").path]
    for path in specs {
      #expect(!ReferenceImport.isReferenceConfig(try Self.node(path)), "\(path)")
      #expect(try ReferenceImport.translate(try Self.node(path), file: path) == nil)
    }
    let parse = { (text: String) in try SpecLoader(environment: [:]).parse(text, file: "t.yml") }
    #expect(ReferenceImport.isReferenceConfig(try parse("dataset: shd")))
    #expect(!ReferenceImport.isReferenceConfig(try parse("dataset: {kind: shd}")))
    #expect(!ReferenceImport.isReferenceConfig(try parse("net: fc\ntrain: {method: bp}")))
    #expect(!ReferenceImport.isReferenceConfig(try parse("trian: {method: bp}")))
  }

  @Test func translationGivesTheSpecTextAndANotice() throws {
    let path = ImportTests.fixture("dvs-conv.yml")
    let result = try #require(try ReferenceImport.translate(try Self.node(path), file: path))
    #expect(result.name == "dvs-conv")  // already named after its dataset
    #expect(result.spec.hasPrefix("# Imported by `sdfa import` from \(path)"))
    #expect(result.notice.contains("is a reference config") && result.notice.contains("ignored: device, num_workers"))
  }

  @Test func unknownKeysAreErrorsWithTheirLocationAndTheNearestKey() throws {
    let path = ImportTests.fixture("broken-unknown-keys.yml")
    let errors = try #require(throws: SpecErrors.self) { try ReferenceImport.read(path) }
    let lines = errors.errors.map(\.description)
    #expect(lines.count == 2, "\(lines)")
    #expect(lines.contains("\(path):3:1: error: unknown key 'epoch' in a reference config; did you mean 'epochs'?\n  fix: rename it to 'epochs'"))
    #expect(lines.contains("\(path):4:1: error: unknown key 'learning_rate' in a reference config; did you mean 'lr'?\n  fix: rename it to 'lr'"))
  }

  @Test func wrongValuesAreErrorsWithTheirLocation() throws {
    let path = ImportTests.fixture("broken-values.yml")
    let errors = try #require(throws: SpecErrors.self) { try ReferenceImport.read(path) }
    let byLine = Dictionary(grouping: errors.errors, by: \.location.line)
    #expect(byLine[1]?.first?.message == "unknown value 'dvs128' for 'dataset'")
    #expect(byLine[2]?.first?.hint?.contains("use one of: fc, conv, vgg") == true)
    #expect(byLine[3]?.first?.message.contains("'num_layers' must be ≥ 2") == true)
    #expect(byLine[4]?.first?.message.contains("'lr' must be a number") == true)
    #expect(errors.errors.count == 4 && errors.errors.allSatisfy { $0.location.file == path && $0.location.column > 1 })
  }

  @Test func everyPaperSpecValidates() throws {
    #expect(Set(Self.paperSpecs) == ["nmnist-mlp.yml", "shd-mlp.yml", "braille-mlp.yml", "dvsgesture-convnet.yml",
                                     "dvsgesture-vgg11.yml", "ncaltech101-vgg11.yml", "variants.yml"])
    for name in Self.paperSpecs where name != "variants.yml" {
      let path = Self.paperFolder.appendingPathComponent(name).path
      let spec = try Spec.load(path, registry: Stages.registry, environment: ["SDFA_DATA": "/data"])
      #expect(spec.seeds == [0, 1, 2, 3, 4], "\(name)")
      #expect(spec.axes.contains { $0.path == "train.method" && $0.values.map(\.label) == ["bp", "sdfa"] }, "\(name)")
      #expect(spec.base[path: "hardware.technology"] == "rram-32nm", "\(name)")
      let kind = try #require(spec.base[path: "dataset.kind"]?.stringValue)
      #expect(spec.base[path: "dataset.root"]?.stringValue == "/data/\(kind)", "\(name)")
    }
  }

  @Test func theNMNISTSpecSweepsTwoToFiveLayers() throws {
    let spec = try Spec.load(Self.paperFolder.appendingPathComponent("nmnist-mlp.yml").path, registry: Stages.registry)
    #expect(spec.points.count == 4 * 2 * 5)
    let hidden = Set(spec.points.compactMap { $0.config[path: "model.hidden"]?.listValue?.count })
    #expect(hidden == [1, 2, 3, 4])
  }
}
