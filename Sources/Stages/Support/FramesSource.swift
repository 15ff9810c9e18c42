import Events
import SNN

/// One split of a frames container as the training engine's data source.
struct FramesSource: SpikeFrameSource, @unchecked Sendable {
  let container: FramesContainer
  let split: DatasetSplit
  let samples: [Int]
  /// Output classes of the network: the data's, or more (the reference's Braille config has 28
  /// outputs for 27 letters).
  var classCount: Int

  init(_ container: FramesContainer, split: DatasetSplit) {
    self.init(container, split: split, samples: container.sampleIndices(in: split))
  }

  /// The container's samples `samples` (container indices), called `split`.
  init(_ container: FramesContainer, split: DatasetSplit, samples: [Int]) {
    self.container = container
    self.split = split
    self.samples = samples
    classCount = container.classCount
  }

  var sampleCount: Int { samples.count }
  var timeSteps: Int { container.timeSteps }
  var inputShape: [Int] { container.inputShape }
  func label(_ sample: Int) -> Int { container.label(samples[sample]) }

  func appendActiveFeatures(sample: Int, step: Int, indices: inout [Int32], values: inout [Float]) {
    let sampleIndex = samples[sample]
    // Variable-length samples (binning by duration) have no frames past their end.
    guard step < container.stepCount(sampleIndex) else { return }
    let frame = container.activeFeatures(sample: sampleIndex, step: step)
    indices.append(contentsOf: frame.indices)
    values.append(contentsOf: frame.values)
  }
}
