import Foundation
import Testing
@testable import Pipeline

/// A stage kind that only declares what it owns and reads: the spec tests load and compile
/// specs against it, and any attempt to run it is a test failure (loading must run nothing).
struct SchemaOnlyStage: Stage {
  let kind: String
  let version = 1
  let sections: [String: Schema]
  let trigger: String?
  let reads: [String]
  let consumes: [String]

  func run(_ context: StageContext) throws {
    Issue.record("stage '\(kind)' ran, but loading a spec must run nothing")
    throw StageFailure("\(kind) is a schema-only test stage")
  }
}

/// The sections of DESIGN.md ("The spec") with their schemas, owned by load → bin → train → map.
enum SpecTestRegistry {
  static let datasetKinds = ["nmnist", "ncaltech101", "dvsgesture", "shd", "braille", "synthetic"]

  static let dataset: Schema = .object([
    .init("kind", .choice(datasetKinds), required: true, doc: "one of \(datasetKinds.joined(separator: ", "))"),
    .init("root", .string, default: "data"),
    .init("like", .choice(datasetKinds.filter { $0 != "synthetic" })),
    .init("train", .positiveInteger),
    .init("test", .positiveInteger),
  ])

  static let frames: Schema = .object([
    .init("T", .positiveInteger, required: true, doc: "time steps per sample"),
    .init("split_by", .choice(["number", "time"]), default: "number"),
  ])

  static let neuron: Schema = .object([
    .init("type", .choice(["lif", "if"]), default: "lif"),
    .init("tau", .positiveNumber, default: 2.0),
    .init("v_threshold", .number(), default: 1.0),
    .init("surrogate", .choice(["atan", "sigmoid"]), default: "atan"),
    .init("alpha", .positiveNumber, default: 2.0),
  ])

  static let model: Schema = .object([
    .init("arch", .choice(["mlp", "convnet", "vgg11"]), required: true),
    .init("hidden", .list(of: .positiveInteger, minCount: 1), default: .list([1000])),
    .init("neuron", neuron),
  ])

  static let optimizer: Schema = .object([
    .init("type", .choice(["adam", "adamw", "sgd"]), default: "adam"),
    .init("lr", .positiveNumber, default: 1.0e-3),
    .init("weight_decay", .number(min: 0), default: 0),
  ])

  static let train: Schema = .object([
    .init("method", .choice(["bp", "sdfa", "shallow"]), required: true, doc: "bp, sdfa or shallow"),
    .init("epochs", .positiveInteger, default: 50),
    .init("batch_size", .positiveInteger, default: 128),
    .init("optimizer", optimizer),
    .init("schedule", .choice(["constant", "cosine", "step"]), default: "constant"),
    .init("loss", .choice(["mse", "cross_entropy"]), default: "mse"),
  ])

  static let hardware: Schema = .object([
    .init("technology", .string, required: true, doc: "a file under experiments/hardware/"),
    .init("crossbar", .positiveInteger, default: 128),
    .init("accelerators", .list(of: .choice(["pipelayer", "pipesdfa"]), minCount: 1)),
  ])

  /// No `report` kind: specs declaring that section get the "not built yet" error.
  static let registry = StageRegistry([
    SchemaOnlyStage(kind: "load", sections: ["dataset": dataset], trigger: "dataset", reads: ["dataset"], consumes: []),
    SchemaOnlyStage(kind: "bin", sections: ["frames": frames], trigger: "frames", reads: ["frames"], consumes: ["load"]),
    SchemaOnlyStage(kind: "train", sections: ["model": model, "train": train], trigger: "train",
                    reads: ["model", "train", "seed"], consumes: ["bin"]),
    SchemaOnlyStage(kind: "map", sections: ["hardware": hardware], trigger: "hardware",
                    reads: ["model.hidden", "hardware"], consumes: ["train"]),
  ])

  /// The environment the spec tests load with: fixed, so the host's variables cannot leak in.
  static func environment(cache: String = "/nonexistent/sdfa-spec-tests-cache") -> [String: String] {
    ["SDFA_CACHE": cache, "SDFA_DATA": "/datasets", "EPOCHS": "7"]
  }

  /// `Tests/PipelineTests/Specs/<name>`.
  static func specsDirectory(_ name: String) -> URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Specs/\(name)")
  }
}

@Test func specTestRegistryOwnsTheDesignSections() {
  let names = SpecTestRegistry.registry.sections.map(\.name)
  #expect(names == ["dataset", "frames", "hardware", "model", "train"])
}
