import Events
import Foundation
import Pipeline
import SNN
import Tensor

/// The train, validation and test samples a train stage uses, from the frames and the spec.
///
/// - A split left to each run (Braille `dataset.split_seed: per_seed`, the frames attribute
///   ``Braille/perSeedSplitAttribute``) is drawn here with the run's seed, by the SpyTorch
///   tutorial's numpy shuffle (`np.random.seed(seed)`), so seed 42 gives the fixed split.
/// - `train.validation: f` holds out the last `⌈f · n⌉` of a seeded permutation of the train
///   samples; the epoch with the best validation accuracy is the one reported as selected,
///   without looking at the test set.
/// - `model.classes` widens the output layer beyond the data's classes (never narrows it).
struct TrainingSplits {
  var train: FramesSource
  var validation: FramesSource?
  var test: FramesSource

  init(_ frames: FramesContainer, params p: SpecValue) throws {
    let seed = UInt64(p[path: "seed"]?.intValue ?? 0)
    var trainSamples = frames.sampleIndices(in: .train), testSamples = frames.sampleIndices(in: .test)
    if let fraction = frames.metadata.attributes[Braille.perSeedSplitAttribute].flatMap(Double.init) {
      let all = (trainSamples + testSamples).sorted()
      let (a, b) = Braille.split(count: all.count, seed: UInt32(truncatingIfNeeded: seed), trainFraction: fraction)
      (trainSamples, testSamples) = (a.map { all[$0] }, b.map { all[$0] })
    }
    var validationSamples: [Int] = []
    if let fraction = p[path: "train.validation"]?.doubleValue {
      var rng = RandomStream(seed: seed, purpose: "train.validation")
      let order = rng.permutation(trainSamples.count).map { trainSamples[$0] }
      let held = Int((fraction * Double(order.count)).rounded(.up))
      guard held > 0, held < order.count else {
        throw StageFailure("train.validation \(fraction) of \(order.count) train samples leaves no validation or no training sample; use a fraction in (0, 1) of a larger split")
      }
      trainSamples = Array(order[..<(order.count - held)])
      validationSamples = Array(order[(order.count - held)...])
    }
    train = FramesSource(frames, split: .train, samples: trainSamples)
    test = FramesSource(frames, split: .test, samples: testSamples)
    validation = validationSamples.isEmpty ? nil : FramesSource(frames, split: .train, samples: validationSamples)
    if let classes = p[path: "model.classes"]?.intValue {
      guard classes >= frames.classCount else {
        throw StageFailure("model.classes \(classes) is below the data's \(frames.classCount) classes; set at least \(frames.classCount)")
      }
      train.classCount = classes
      test.classCount = classes
      validation?.classCount = classes
    }
  }
}

/// The container indices of each split a training used (`splits.json` in the train artifact),
/// so that later stages evaluate on the same test samples.
struct SplitRecord: Codable {
  var train: [Int]
  var validation: [Int]
  var test: [Int]
  /// Output classes of the trained network.
  var classes: Int

  static let file = "splits.json"

  init(_ splits: TrainingSplits) {
    train = splits.train.samples
    validation = splits.validation?.samples ?? []
    test = splits.test.samples
    classes = splits.train.classCount
  }

  /// The test samples of the training whose artifact is `trainDirectory`: its record; for a
  /// training made before the record existed, the splits redrawn from the params its
  /// checkpoint carries (`spec` metadata), else the frames' own test split.
  static func test(_ frames: FramesContainer, trainDirectory: URL) throws -> FramesSource {
    let url = trainDirectory.appendingPathComponent(file)
    guard let data = try? Data(contentsOf: url), let record = try? JSONDecoder().decode(SplitRecord.self, from: data) else {
      let checkpoint = (try? Data(contentsOf: trainDirectory.appendingPathComponent("checkpoint.safetensors"))) ?? Data()
      guard let metadata = try? SafeTensors.decode(Array(checkpoint)).metadata, let spec = metadata["spec"],
        let params = try? SpecValue(json: spec)
      else { return FramesSource(frames, split: .test) }
      return try TrainingSplits(frames, params: params).test
    }
    var source = FramesSource(frames, split: .test, samples: record.test)
    source.classCount = record.classes
    return source
  }
}
