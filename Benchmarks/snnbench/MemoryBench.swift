// snnbench --memory: peak resident memory and time of conv training steps at the paper's shapes.
//
//   .build/release/snnbench --memory vgg11-dvs --method sdfa --steps 1 [--memory-mode lean|fast]
//       [--time-steps 10 --batch 4]
//
// One configuration per process: the peak (VmHWM) is the process's, so a second configuration
// in the same process would only report the larger of the two. `make bench` runs each in its own.
import Foundation
import SNN

/// A conv row of the paper at its real shapes: architecture, input `[C, H, W]`, classes, T, batch.
struct ConvShape {
  var arch: ModelConfig.Architecture
  var input: [Int]
  var classes: Int
  var steps: Int
  var batch: Int
}

let convShapes: [String: ConvShape] = [
  "convnet-dvs": ConvShape(arch: .convnet, input: [2, 128, 128], classes: 11, steps: 30, batch: 8),
  "vgg11-dvs": ConvShape(arch: .vgg11, input: [2, 128, 128], classes: 11, steps: 30, batch: 8),
  "vgg11-ncaltech": ConvShape(arch: .vgg11, input: [2, 180, 240], classes: 101, steps: 30, batch: 4),
]

/// Trains `steps` batches of random events at `density` (after one untimed warm-up step, which
/// allocates the buffers) and prints one Markdown row: the median step time and the process's
/// peak resident memory, beside ``MemoryEstimate``'s figure for the same step.
func runMemoryBench(name: String, method: TrainConfig.Method, density: Double, threads: Int, steps: Int) {
  guard var shape = convShapes[name] else {
    fatalError("unknown conv shape \(name); one of \(convShapes.keys.sorted().joined(separator: ", "))")
  }
  // Smaller runs of the same network (e.g. where the full step does not fit).
  shape.steps = Int(option("time-steps", "\(shape.steps)"))!
  shape.batch = Int(option("batch", "\(shape.batch)"))!
  Kernels.setBLASThreads(1)
  var rng = RandomStream(seed: 0, purpose: "bench.memory")
  var data = InMemoryFrames(inputShape: shape.input, timeSteps: shape.steps, classCount: shape.classes)
  let features = shape.input.reduce(1, *)
  for i in 0..<shape.batch {
    let frames = (0..<shape.steps).map { _ in
      (0..<features).filter { _ in rng.nextDouble() < density }.map { (index: Int32($0), value: Float(1)) }
    }
    data.appendSample(label: i % shape.classes, steps: frames)
  }
  let model = ModelConfig(arch: shape.arch, hidden: [], neuron: NeuronConfig(kind: shape.arch == .vgg11 ? .if : .lif))
  let net = Network(config: model, inputShape: shape.input, classes: shape.classes, seed: 0)
  var config = TrainConfig(
    method: method, batchSize: shape.batch, optimizer: OptimizerConfig(kind: .adam, lr: 1e-3),
    threads: threads)
  config.memory = TrainConfig.Memory(rawValue: option("memory-mode", "lean"))!
  // Before the session: `net` must not outlive it (its weights would stay resident beside the
  // trained ones once the first step writes those).
  let estimate = net.trainingMemory(
    batch: shape.batch, steps: shape.steps, method: method, threads: threads, memory: config.memory)
  let session = TrainingSession(model: net, config: config, timeSteps: shape.steps)
  let batch = Array(0..<shape.batch)[...]
  var times: [Double] = []
  for i in 0...steps {
    let t0 = Date()
    _ = session.step(data, samples: batch, lr: 1e-3)
    if i > 0 { times.append(Date().timeIntervalSince(t0)) }
  }
  let s = median(times)
  print(
    "| \(name) | \(method.rawValue) \(config.memory.rawValue) | b\(shape.batch) T\(shape.steps) \(shape.input.map(String.init).joined(separator: "×")) | \(threads) | "
      + String(format: "%.1f | %.0f (estimate %.0f) |", s, peakMemoryMiB(), Double(estimate.bytes) / 1_048_576))
}
