import Events
import Foundation
import Hardware
import Pipeline
import SNN
import Tensor

/// `map`: tiles the trained weight matrices over the technology's crossbars and measures the
/// network's test accuracy with its weights programmed at the cells' conductance levels
/// (plus optional seeded programming noise): what the network loses on hardware.
///
/// Artifact: `mapping.json`, `summary.json`.
struct MapStage: Stage {
  let kind = "map"
  let version = 2
  /// The technology's values, not its name (a renamed copy of a file hits the cache);
  /// `hardware.accelerators` is read by no stage.
  let reads = ["hardware.technology_values", "hardware.crossbar", "hardware.noise_sigma", "hardware.noise_seed"]
  let consumes = ["bin", "train"]
  var trigger: String? { "hardware" }

  var sections: [String: Schema] {
    ["hardware": .object([
      .init("technology", .string, default: "rram-32nm", doc: "a built-in preset (sdfa hw --list-technologies), hardware/NAME.yml beside the spec, or a path to a technology .yml relative to the spec"),
      .init("crossbar", .integer(min: 8, max: 4096), doc: "crossbar rows and columns, overriding the technology's"),
      .init("accelerators", .list(of: .choice(["pipelayer", "pipesdfa"]), minCount: 1), default: .list(["pipelayer", "pipesdfa"])),
      .init("noise_sigma", .number(min: 0), default: 0, doc: "programming noise, in conductance levels"),
      .init("noise_seed", .integer(min: 0), default: 0),
    ])]
  }

  /// Reads the technology file into `hardware.technology_values`, so that editing the file
  /// changes the key of every stage that uses it.
  func expand(_ config: SpecValue, context: ExpansionContext) throws -> SpecValue {
    guard let name = config[path: "hardware.technology"]?.stringValue else { return config }
    let (value, _) = try TechnologyFile.load(name, specFile: context.specFile, at: context.locate("hardware.technology"))
    return config.setting("hardware.technology_values", to: value)
  }

  func check(_ config: SpecValue, locate: (String) -> SourceLocation) -> [SpecError] {
    guard config[path: "hardware"] != nil, config[path: "train"] == nil else { return [] }
    return [SpecError(locate("hardware"), "'hardware' maps a trained network: it needs 'model' and 'train' sections",
                      hint: "add model and train sections, or remove 'hardware'")]
  }

  func run(_ context: StageContext) throws {
    let inputs = try HardwareInputs(context)
    let mapping = Mapping.map(inputs.network, technology: inputs.technology)
    let frames = try FramesContainer(contentsOf: try context.input("bin").appendingPathComponent("frames.sdff"))
    let test = try SplitRecord.test(frames, trainDirectory: try context.input("train"))
    let checkpoint = try Data(contentsOf: try context.input("train").appendingPathComponent("checkpoint.safetensors"))
    let model = try Network(stageCheckpoint: [UInt8](checkpoint))
    context.progress(0.1, "evaluating with float weights")
    let exact = Evaluator.evaluate(model, on: test, threads: context.threads)
    context.progress(0.5, "evaluating with programmed weights")
    let technology = inputs.technology
    let sigma = Float(try context.double("hardware.noise_sigma"))
    let seed = UInt64(try context.int("hardware.noise_seed"))
    let programmed = Evaluator.evaluate(model, on: test, threads: context.threads) { layer, weights in
      let q = WeightQuantizer(technology: technology, range: WeightQuantizer.range(of: weights.scalars))
      return Tensor(shape: weights.shape, scalars: q.programmed(weights.scalars, noiseSigmaLevels: sigma, seed: seed &+ UInt64(layer)))
    }
    context.log(String(format: "test accuracy: %.4f with float weights, %.4f programmed (%d-bit weights on %d-bit cells, noise %.2f levels)",
                       exact.accuracy, programmed.accuracy, technology.weightBits, technology.cellBits, sigma))
    try ArtifactFiles.write(mapping, to: "mapping.json", in: context)
    try ArtifactFiles.writeSummary([
      "float_test_accuracy": exact.accuracy, "hardware_test_accuracy": programmed.accuracy,
      "accuracy_drop": exact.accuracy - programmed.accuracy,
      "arrays_pipelayer": Double(mapping.pipeLayerArrays), "arrays_pipesdfa": Double(mapping.pipeSDFAArrays),
    ], in: context)
  }
}

/// The technology and network description that `map` and `energy` share.
struct HardwareInputs {
  let technology: Technology
  let network: NetworkDescription
  let model: TrainedModel

  init(_ context: StageContext) throws {
    guard let values = context.param("hardware.technology_values") else {
      throw StageFailure("the technology file was not read (hardware.technology_values is missing)")
    }
    var technology = try JSONDecoder().decode(Technology.self, from: Data(values.canonicalJSON.utf8))
    if let crossbar = context.param("hardware.crossbar")?.intValue {
      technology.crossbarRows = crossbar
      technology.crossbarCols = crossbar
    }
    self.technology = technology
    model = try ArtifactFiles.read(TrainedModel.self, from: try context.input("train").appendingPathComponent("model.json"))
    let layers = model.layers
    network = NetworkDescription(
      name: context.label, layers: layers.enumerated().map { i, l in
        switch l.kind {
        case .linear:
          return LayerShape.linear("fc\(i + 1)", l.inFeatures, l.outFeatures, feedback: l.receivesFeedback)
        case .conv:
          // A block pools when the next layer's input is smaller than this layer's output.
          let next = i + 1 < layers.count && layers[i + 1].kind == .conv ? layers[i + 1].inputSize : nil
          let pool = next.map { $0[0] < l.outputSize[0] ? l.outputSize[0] / max($0[0], 1) : 1 } ?? 2
          return LayerShape.conv("conv\(i + 1)", l.inFeatures, l.outFeatures, kernel: l.kernelSize, height: l.inputSize[0],
                                 width: l.inputSize[1], pool: pool, feedback: l.receivesFeedback)
        }
      }, timeSteps: model.timeSteps, batchSize: model.batchSize, samplesPerEpoch: model.trainSamples,
      errorSize: model.classes, hiddenReverseTime: model.temporal != "local",
      firstLayerInputBits: model.input?.bits, inputEncoding: model.input?.description)
  }
}
