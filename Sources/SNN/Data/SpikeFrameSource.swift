/// Training or test data as sparse frames: per sample and time step, the active input features.
///
/// Feature index `c · H · W + y · W + x` for `[C, H, W]` inputs, or the unit number for 1-D
/// inputs. Values are event counts. A container of sparse frames implements this without
/// copying: ``appendActiveFeatures(sample:step:indices:values:)`` appends into the caller's
/// reused arrays, so no call allocates once their capacity suffices.
public protocol SpikeFrameSource {
  /// Number of samples.
  var sampleCount: Int { get }
  /// Time steps T per sample.
  var timeSteps: Int { get }
  /// Shape of one frame: `[C, H, W]` or `[units]`.
  var inputShape: [Int] { get }
  /// Number of classes; labels are in `0..<classCount`.
  var classCount: Int { get }
  /// The class of `sample`.
  func label(_ sample: Int) -> Int
  /// Appends the active features of `sample` at time step `step` (in increasing order or not)
  /// to `indices` and their values to `values`.
  func appendActiveFeatures(sample: Int, step: Int, indices: inout [Int32], values: inout [Float])
}

extension SpikeFrameSource {
  /// Features per frame (the product of ``inputShape``).
  public var featureCount: Int { inputShape.reduce(1, *) }
}

/// Sparse frames held in memory (CSR over `(sample, step)`), for tests and small datasets.
///
/// ```swift
/// var data = InMemoryFrames(inputShape: [2, 34, 34], timeSteps: 10, classCount: 10)
/// data.appendSample(label: 3, steps: [[(index: 5, value: 1)], …])
/// ```
public struct InMemoryFrames: SpikeFrameSource, Sendable {
  public let inputShape: [Int]
  public let timeSteps: Int
  public let classCount: Int
  public private(set) var labels: [Int] = []
  private var frameStart: [Int] = [0]
  private var indices: [Int32] = []
  private var values: [Float] = []

  public init(inputShape: [Int], timeSteps: Int, classCount: Int) {
    self.inputShape = inputShape
    self.timeSteps = timeSteps
    self.classCount = classCount
  }

  public var sampleCount: Int { labels.count }

  public func label(_ sample: Int) -> Int { labels[sample] }

  public func appendActiveFeatures(
    sample: Int, step: Int, indices out: inout [Int32], values outValues: inout [Float]
  ) {
    let f = sample * timeSteps + step
    let range = frameStart[f]..<frameStart[f + 1]
    out.append(contentsOf: indices[range])
    outValues.append(contentsOf: values[range])
  }

  /// Appends a sample given, per step, its active features and their values.
  public mutating func appendSample(label: Int, steps: [[(index: Int32, value: Float)]]) {
    precondition(steps.count == timeSteps, "\(steps.count) steps, expected \(timeSteps)")
    precondition(label >= 0 && label < classCount, "label \(label) outside 0..<\(classCount)")
    for frame in steps {
      for (i, v) in frame {
        precondition(i >= 0 && Int(i) < featureCount, "feature \(i) outside 0..<\(featureCount)")
        indices.append(i)
        values.append(v)
      }
      frameStart.append(indices.count)
    }
    labels.append(label)
  }

  /// Appends a sample given dense frames, `[T][featureCount]`; zeros are dropped.
  public mutating func appendSample(label: Int, denseSteps: [[Float]]) {
    appendSample(
      label: label,
      steps: denseSteps.map { frame in
        frame.enumerated().filter { $0.element != 0 }.map { (Int32($0.offset), $0.element) }
      })
  }
}
