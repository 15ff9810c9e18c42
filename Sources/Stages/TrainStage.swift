import Events
import Foundation
import Hardware
import Pipeline
import SNN
import Tensor

/// `train`: trains the spec's network on the frames with BP, SDFA or the output layer alone.
///
/// Artifact: `checkpoint.safetensors` (with the params read and the metrics in its metadata),
/// `metrics.json` (per epoch: losses, accuracies, spike rates; wall times go to the log),
/// `summary.json`, `model.json` (layer shapes and training sizes for the
/// hardware model) and `trace.json` (the weight-change trace at the default technology's
/// weight and cell bits).
struct TrainStage: Stage {
  let kind = "train"
  let version = 3
  /// `model.neuron.surrogate` is not read: atan is the only one (a second one would join this
  /// list). `train.threads` is a setting: a test proves threads do not change the bits.
  let reads = [
    "model.arch", "model.hidden", "model.channels", "model.classes", "model.neuron.type", "model.neuron.tau",
    "model.neuron.v_threshold", "model.neuron.alpha", "model.neuron.detach_reset",
    "train.method", "train.temporal", "train.epochs", "train.batch_size", "train.optimizer.type", "train.optimizer.lr",
    "train.optimizer.weight_decay", "train.optimizer.momentum", "train.schedule", "train.loss",
    "train.drop_last", "train.validation", "seed",
  ]
  /// `train.memory` too: lean and fast give bit-identical gradients (a test proves it).
  let settings = ["train.threads", "train.memory"]
  let consumes = ["bin"]
  var trigger: String? { "train" }

  /// An MLP reads `hidden`, a conv net `channels`; only SGD reads `momentum`.
  func reads(in config: SpecValue) -> [String] {
    let mlp = (config[path: "model.arch"]?.stringValue ?? "mlp") == "mlp"
    let sgd = config[path: "train.optimizer.type"]?.stringValue == "sgd"
    return reads.filter { path in
      switch path {
      case "model.hidden": mlp
      case "model.channels": !mlp
      case "train.optimizer.momentum": sgd
      default: true
      }
    }
  }


  var sections: [String: Schema] {
    [
      "model": .object([
        .init("arch", .choice(ModelConfig.Architecture.allCases.map(\.rawValue)), default: "mlp"),
        .init("hidden", .list(of: .positiveInteger), default: .list([1000]),
              limit: .atMost(16_384, "two layers of 16,384 units hold 2.7e8 weights, 4.3 GB with gradients and Adam's moments")),
        .init("channels", .positiveInteger, limit: .atMost(1_024, "the experiments' ConvNets use 128 to 512 channels")),
        .init("classes", .positiveInteger,
              doc: "output classes when more than the data's (the reference's Braille config: 28 for 27 letters)"),
        .init("neuron", .object([
          .init("type", .choice(["lif", "if"]), default: "lif"),
          .init("tau", .number(min: 1, exclusiveMinimum: false), default: 2.0),
          .init("v_threshold", .positiveNumber, default: 1.0),
          .init("surrogate", .choice(["atan"]), default: "atan"),
          .init("alpha", .positiveNumber, default: 2.0),
          // No schema default for the two gradient options: an omitted one means today's
          // behaviour and leaves earlier specs' cache keys unchanged.
          .init("detach_reset", .boolean,
                doc: "spikingjelly's detach_reset (omitted: false): the reset's spike is a constant in the backward pass"),
        ])),
      ]),
      "train": .object([
        .init("method", .choice(["bp", "sdfa", "shallow"]), required: true, doc: "bp | sdfa | shallow"),
        .init("temporal", .choice(["bptt", "local"]),
              doc: "bptt (omitted) | local: local cuts hidden layers' membrane gradients between time steps"),
        .init("epochs", .positiveInteger, default: 20, limit: .atMost(10_000, "the experiments train 5 to 300 epochs")),
        .init("batch_size", .positiveInteger, default: 64,
                limit: .atMost(65_536, "more than the largest training split, N-MNIST's 60,000 samples")),
        .init("optimizer", .object([
          .init("type", .choice(["adam", "adamw", "sgd"]), default: "adam"),
          .init("lr", .positiveNumber, default: 1.0e-3),
          .init("weight_decay", .number(min: 0), default: 0),
          .init("momentum", .number(min: 0, max: 1), default: 0.9),
        ])),
        .init("schedule", .choice(["cosine", "constant"]), default: "cosine"),
        .init("loss", .choice(["mse", "cross_entropy"]), default: "mse"),
        .init("threads", .integer(min: 1, max: 256), default: 1),
        .init("drop_last", .boolean,
              doc: "drop the last partial batch of every epoch (omitted: false; the reference's DataLoader: true)"),
        .init("validation", .number(min: 0, max: 1, exclusiveMinimum: true),
              doc: "fraction of the train split held out to select the reported epoch without the test set"),
        .init("memory", .choice(TrainConfig.Memory.allCases.map(\.rawValue)),
              doc: "fast (omitted; conv blocks keep their membranes) | lean (recomputed in the backward pass: less memory, ~2× slower, same results)"),
      ]),
    ]
  }

  func threads(for params: SpecValue) -> Int { params[path: "train.threads"]?.intValue ?? 1 }

  func check(_ config: SpecValue, locate: (String) -> SourceLocation) -> [SpecError] {
    guard config[path: "train"] != nil else { return [] }
    guard config[path: "model"] != nil else {
      return [SpecError(locate("train"), "'train' needs a 'model' section", hint: "add 'model: {arch: mlp, hidden: [1000]}'")]
    }
    return []
  }

  static func modelConfig(_ p: SpecValue) -> ModelConfig {
    let neuron = NeuronConfig(
      kind: p[path: "model.neuron.type"]?.stringValue == "if" ? .if : .lif,
      tau: Float(p[path: "model.neuron.tau"]?.doubleValue ?? 2), vThreshold: Float(p[path: "model.neuron.v_threshold"]?.doubleValue ?? 1),
      alpha: Float(p[path: "model.neuron.alpha"]?.doubleValue ?? 2),
      detachReset: p[path: "model.neuron.detach_reset"]?.boolValue ?? false)
    return ModelConfig(
      arch: ModelConfig.Architecture(rawValue: p[path: "model.arch"]?.stringValue ?? "mlp") ?? .mlp,
      hidden: p[path: "model.hidden"]?.listValue?.compactMap(\.intValue) ?? [1000],
      channels: p[path: "model.channels"]?.intValue, neuron: neuron)
  }

  static func trainConfig(_ p: SpecValue, threads: Int) -> TrainConfig {
    let optimizer = OptimizerConfig(
      kind: OptimizerConfig.Kind(rawValue: p[path: "train.optimizer.type"]?.stringValue ?? "adam") ?? .adam,
      lr: Float(p[path: "train.optimizer.lr"]?.doubleValue ?? 1e-3),
      weightDecay: Float(p[path: "train.optimizer.weight_decay"]?.doubleValue ?? 0),
      momentum: Float(p[path: "train.optimizer.momentum"]?.doubleValue ?? 0.9))
    let temporal: TrainConfig.Temporal = p[path: "train.temporal"]?.stringValue == "local" ? .local : .bptt
    let dropLast: Bool = p[path: "train.drop_last"]?.boolValue ?? false
    let loss: TrainConfig.Loss = p[path: "train.loss"]?.stringValue == "cross_entropy" ? .crossEntropy : .mse
    let schedule: TrainConfig.Schedule = p[path: "train.schedule"]?.stringValue == "constant" ? .constant : .cosine
    let method = TrainConfig.Method(rawValue: p[path: "train.method"]?.stringValue ?? "sdfa") ?? .sdfa
    var config = TrainConfig(
      method: method, epochs: p[path: "train.epochs"]?.intValue ?? 20,
      batchSize: p[path: "train.batch_size"]?.intValue ?? 64, optimizer: optimizer, schedule: schedule,
      loss: loss, threads: threads, seed: UInt64(p[path: "seed"]?.intValue ?? 0), temporal: temporal,
      dropLast: dropLast)
    config.memory = TrainConfig.Memory(rawValue: p[path: "train.memory"]?.stringValue ?? "fast") ?? .fast
    return config
  }

  func run(_ context: StageContext) throws {
    let frames = try FramesContainer(contentsOf: try context.input("bin").appendingPathComponent("frames.sdff"))
    let splits = try TrainingSplits(frames, params: context.params)
    let trainData = splits.train, testData = splits.test
    guard trainData.sampleCount > 0, testData.sampleCount > 0 else {
      throw StageFailure("the frames have \(trainData.sampleCount) train and \(testData.sampleCount) test samples; both splits need samples")
    }
    let model = Self.modelConfig(context.params)
    let config = Self.trainConfig(context.params, threads: context.threads)
    try Self.checkMemory(
      model: model, config: config, inputShape: trainData.inputShape, classes: trainData.classCount,
      steps: trainData.timeSteps, machine: MachineMemory.current())
    var trainer = Trainer(model: model, train: config)
    let batches = config.batchesPerEpoch(samples: trainData.sampleCount)
    var validationAccuracy: [Int: Double] = [:]
    trainer.progress = { p in
      let fraction = (Double(p.epoch) + Double(p.batch + 1) / Double(max(p.batches, 1))) / Double(max(p.epochs, 1))
      context.progress(fraction, String(format: "epoch %d/%d loss %.4f", p.epoch + 1, p.epochs, p.loss))
    }
    trainer.shouldCancel = { context.isCancelled }
    let recorder = TraceRecorder()
    trainer.weightObserver = { step in recorder.observe(old: step.old, new: step.new) }
    // After an interruption, continue from the last completed epoch (same results as a run
    // that never stopped); every completed epoch is saved for the next interruption.
    let saved = context.resumeDirectory.map(TrainingProgressFolder.init)
    if let saved, let (snapshot, recording) = saved.latest() {
      trainer.resumeFrom = snapshot
      recorder.recorder = recording
      validationAccuracy = saved.validationAccuracy()
      context.log("resuming after epoch \(snapshot.completedEpochs) of \(config.epochs) (saved in \(saved.folder.path))")
    }
    trainer.epochFinished = { snapshot in
      let m = snapshot.metrics[snapshot.metrics.count - 1]
      if let validation = splits.validation, let net = try? Network(stageCheckpoint: snapshot.model) {
        let v = Evaluator.evaluate(net, on: validation, batchSize: config.batchSize, loss: config.loss, threads: context.threads)
        validationAccuracy[m.epoch] = v.accuracy
        context.log(String(format: "epoch %d: validation acc %.4f", m.epoch + 1, v.accuracy))
      }
      context.log(String(format: "epoch %d: train loss %.5f acc %.4f, test loss %.5f acc %.4f, %.2f s", m.epoch + 1,
                         m.trainLoss, m.trainAccuracy, m.testLoss, m.testAccuracy, m.wallSeconds))
      guard let saved, snapshot.completedEpochs < config.epochs else { return }
      do { try saved.save(snapshot, recording: recorder.recorder, validation: validationAccuracy) } catch {
        context.log("warning: could not save the progress of epoch \(snapshot.completedEpochs): \(error)")
      }
    }
    let network: Network
    let epochs: [EpochMetrics]
    do {
      let result = try trainer.train(on: trainData, test: testData)
      (network, epochs) = (result.model, result.epochs)
    } catch {
      if case .cancelled = error { throw CancellationError() }
      throw StageFailure("\(error)")
    }
    // Wall times go to the log (above) and the index, not into the artifact: equal runs give
    // equal bytes.
    // The checkpoint carries what made it: the params the stage read and its metrics.
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    let metadata = [
      "seed": String(config.seed), "method": config.method.rawValue, "spec": context.keyedParams.canonicalJSON,
      "metrics": String(decoding: try encoder.encode(epochs.map(EpochRecord.init)), as: UTF8.self),
    ]
    try context.write(Data(network.checkpoint(metadata: metadata)), to: "checkpoint.safetensors")
    let records = epochs.map { m in
      var r = EpochRecord(m)
      r.validationAccuracy = validationAccuracy[m.epoch]
      return r
    }
    try ArtifactFiles.write(records, to: "metrics.json", in: context)
    try ArtifactFiles.write(SplitRecord(splits), to: SplitRecord.file, in: context)
    try ArtifactFiles.write(recorder.trace(layers: network.layerWeights.count), to: "trace.json", in: context)
    let description = TrainedModel(
      arch: model.arch.rawValue, layers: network.describe(timeSteps: frames.timeSteps), timeSteps: frames.timeSteps,
      batchSize: config.batchSize, trainSamples: trainData.sampleCount, testSamples: testData.sampleCount,
      classes: trainData.classCount, inputShape: frames.inputShape, method: config.method.rawValue, batchesPerEpoch: batches,
      traceWeightBits: Technology.isaac32nm.weightBits, traceCellBits: Technology.isaac32nm.cellBits,
      spikeRates: epochs.last?.trainSpikeRates ?? [], inputRate: Self.inputRate(trainData),
      temporal: config.temporal.rawValue, input: InputStatistics(trainData))
    try ArtifactFiles.write(description, to: "model.json", in: context)
    let last = epochs.last
    // best_test_accuracy: the maximum over epochs of the test accuracy itself (the reference's
    // max_test_acc; optimistic). With train.validation, the epoch of the best validation
    // accuracy (the first on ties) is selected without the test set.
    var summary: [String: Double] = [
      "final_test_accuracy": last?.testAccuracy ?? .nan,
      "best_test_accuracy": epochs.map(\.testAccuracy).max() ?? .nan,
      "final_train_accuracy": last?.trainAccuracy ?? .nan,
      "final_test_loss": last?.testLoss ?? .nan,
      "epochs": Double(epochs.count),
    ]
    if let selected = validationAccuracy.max(by: { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }),
      let m = epochs.first(where: { $0.epoch == selected.key })
    {
      summary["selected_epoch"] = Double(selected.key + 1)
      summary["selected_validation_accuracy"] = selected.value
      summary["selected_test_accuracy"] = m.testAccuracy
    }
    try ArtifactFiles.writeSummary(summary, in: context)
  }

  /// The fraction of input features active per step, averaged over the training split.
  static func inputRate(_ data: FramesSource) -> Double {
    var indices: [Int32] = [], values: [Float] = []
    var active = 0
    let n = min(data.sampleCount, 256)
    for s in 0..<n {
      for t in 0..<data.timeSteps {
        indices.removeAll(keepingCapacity: true)
        values.removeAll(keepingCapacity: true)
        data.appendActiveFeatures(sample: s, step: t, indices: &indices, values: &values)
        active += indices.count
      }
    }
    return Double(active) / Double(max(1, n * data.timeSteps * data.featureCount))
  }
}

/// One epoch of `metrics.json`: the training engine's metrics without wall time.
struct EpochRecord: Codable {
  var epoch: Int
  var learningRate: Float
  var trainLoss: Double
  var trainAccuracy: Double
  var testLoss: Double
  var testAccuracy: Double
  var trainSpikeRates: [Double]
  var testSpikeRates: [Double]
  /// Accuracy on the held-out part of the train split (`train.validation`); absent otherwise.
  var validationAccuracy: Double?

  init(_ m: EpochMetrics) {
    epoch = m.epoch
    learningRate = m.learningRate
    trainLoss = m.trainLoss
    trainAccuracy = m.trainAccuracy
    testLoss = m.testLoss
    testAccuracy = m.testAccuracy
    trainSpikeRates = m.trainSpikeRates
    testSpikeRates = m.testSpikeRates
  }
}

/// What a trained network looks like to the hardware model (`model.json`).
struct TrainedModel: Codable {
  var arch: String
  var layers: [LayerDescription]
  var timeSteps: Int
  var batchSize: Int
  var trainSamples: Int
  var testSamples: Int
  var classes: Int
  var inputShape: [Int]
  var method: String
  var batchesPerEpoch: Int
  var traceWeightBits: Int
  var traceCellBits: Int
  var spikeRates: [Double]
  var inputRate: Double
  /// `train.temporal` (absent in models trained before the option: bptt).
  var temporal: String?
  /// What the first layer's input values are (absent in older models).
  var input: InputStatistics?
}

/// The first layer's input values over (up to 256) training samples: what the hardware must
/// feed its first crossbar.
struct InputStatistics: Codable {
  /// Largest absolute value.
  var maxMagnitude: Double
  /// Whether every value is a non-negative integer (event counts).
  var counts: Bool

  init(_ data: FramesSource) {
    var indices: [Int32] = [], values: [Float] = []
    var maxMagnitude = 0.0, counts = true
    for s in 0..<min(data.sampleCount, 256) {
      for t in 0..<data.timeSteps {
        indices.removeAll(keepingCapacity: true)
        values.removeAll(keepingCapacity: true)
        data.appendActiveFeatures(sample: s, step: t, indices: &indices, values: &values)
        for v in values {
          maxMagnitude = max(maxMagnitude, Double(abs(v)))
          if v < 0 || v != v.rounded() { counts = false }
        }
        if values.isEmpty && !indices.isEmpty { maxMagnitude = max(maxMagnitude, 1) }
      }
    }
    self.maxMagnitude = maxMagnitude
    self.counts = counts
  }

  /// Bits to feed the values bit-serially: `⌈log2(max + 1)⌉` for counts; nil for analog
  /// values (the technology's input resolution applies).
  var bits: Int? {
    guard counts else { return nil }
    var b = 1
    while Double((1 << b) - 1) < maxMagnitude { b += 1 }
    return b
  }

  /// The encoding in words.
  var description: String {
    counts
      ? (maxMagnitude <= 1 ? "binary events" : "event counts up to \(Int(maxMagnitude))")
      : String(format: "analog values up to |%.3g| (signed)", maxMagnitude)
  }
}

/// The weight-change recorder behind the training engine's observer callback: level changes
/// at the default technology's weight and cell bits (the train stage reads no hardware
/// params, so that a hardware change never retrains).
final class TraceRecorder: @unchecked Sendable {
  /// Nil until the first step (the quantiser ranges come from the initial weights).
  var recorder: WeightUpdateRecorder?

  /// Records one optimizer step (every layer's weights before and after).
  func observe(old: [Tensor], new: [Tensor]) {
    if recorder == nil { recorder = WeightUpdateRecorder(technology: .isaac32nm, layerCount: old.count) }
    for l in old.indices { recorder!.observe(layer: l, old: old[l].scalars, new: new[l].scalars) }
  }

  func trace(layers: Int) -> WeightUpdateTrace { recorder?.trace ?? WeightUpdateTrace(layerCount: layers) }
}

extension Network {
  /// The network of a train stage's checkpoint (either family), or a stage failure saying why not.
  init(stageCheckpoint bytes: [UInt8]) throws {
    do { try self.init(checkpoint: bytes) } catch {
      throw StageFailure("the checkpoint cannot be read: \(error)")
    }
  }
}

/// A train stage's saved progress in its resume folder: one `epoch-<n>` folder holding the
/// ``TrainingSnapshot`` after epoch n and the weight-change recording so far
/// (`recording.json`). A new one is written under a temporary name and renamed into place
/// before the older one is deleted, so a kill at any moment leaves a complete one.
struct TrainingProgressFolder {
  let folder: URL
  static let recordingFile = "recording.json"

  /// The most advanced complete save, if any.
  func latest() -> (TrainingSnapshot, WeightUpdateRecorder?)? {
    let saves = epochFolders()
    for (_, url) in saves.reversed() {
      guard let snapshot = try? TrainingSnapshot(contentsOf: url) else { continue }
      let data = try? Data(contentsOf: url.appendingPathComponent(Self.recordingFile))
      let recording = data.flatMap { try? JSONDecoder().decode(WeightUpdateRecorder.self, from: $0) }
      return (snapshot, recording)
    }
    return nil
  }

  /// Validation accuracy by epoch saved with the latest save (empty without `train.validation`).
  func validationAccuracy() -> [Int: Double] {
    guard let (_, url) = epochFolders().last,
      let data = try? Data(contentsOf: url.appendingPathComponent(Self.validationFile))
    else { return [:] }
    return (try? JSONDecoder().decode([Int: Double].self, from: data)) ?? [:]
  }

  static let validationFile = "validation.json"

  func save(_ snapshot: TrainingSnapshot, recording: WeightUpdateRecorder?, validation: [Int: Double] = [:]) throws {
    let fm = FileManager.default
    let partial = folder.appendingPathComponent(".partial-\(snapshot.completedEpochs)")
    for name in (try? fm.contentsOfDirectory(atPath: folder.path)) ?? [] where name.hasPrefix(".partial-") {
      try? fm.removeItem(at: folder.appendingPathComponent(name))  // a save a kill cut short
    }
    try fm.createDirectory(at: partial, withIntermediateDirectories: true)
    try snapshot.write(to: partial)
    if let recording {
      try JSONEncoder().encode(recording).write(to: partial.appendingPathComponent(Self.recordingFile))
    }
    if !validation.isEmpty {
      try JSONEncoder().encode(validation).write(to: partial.appendingPathComponent(Self.validationFile))
    }
    let older = epochFolders()
    try fm.moveItem(at: partial, to: folder.appendingPathComponent("epoch-\(snapshot.completedEpochs)"))
    for (_, url) in older { try? fm.removeItem(at: url) }
  }

  /// `epoch-<n>` folders by n.
  private func epochFolders() -> [(Int, URL)] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
    return names.compactMap { name -> (Int, URL)? in
      guard name.hasPrefix("epoch-"), let n = Int(name.dropFirst(6)) else { return nil }
      return (n, folder.appendingPathComponent(name))
    }.sorted { $0.0 < $1.0 }
  }
}
