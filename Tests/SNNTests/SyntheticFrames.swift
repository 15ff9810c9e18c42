import SNN

/// A small N-MNIST-like dataset: each class has a prototype set of active features that fire
/// with probability `p` per step, over background noise.
func syntheticFrames(
  samples: Int, classes: Int = 10, shape: [Int] = [2, 8, 8], steps: Int = 5, seed: UInt64,
  purpose: String
) -> InMemoryFrames {
  let features = shape.reduce(1, *)
  var protoRNG = RandomStream(seed: 99, purpose: "prototypes")
  let prototypes = (0..<classes).map { _ in
    Array(protoRNG.permutation(features).prefix(features / 8)).map { Int32($0) }
  }
  var rng = RandomStream(seed: seed, purpose: purpose)
  var data = InMemoryFrames(inputShape: shape, timeSteps: steps, classCount: classes)
  for _ in 0..<samples {
    let label = rng.nextInt(below: classes)
    let frames = (0..<steps).map { _ -> [(index: Int32, value: Float)] in
      var active: [Int32: Float] = [:]
      for f in prototypes[label] where rng.nextFloat() < 0.5 { active[f, default: 0] += 1 }
      for _ in 0..<(features / 30) { active[Int32(rng.nextInt(below: features)), default: 0] += 1 }
      return active.keys.sorted().map { ($0, active[$0]!) }
    }
    data.appendSample(label: label, steps: frames)
  }
  return data
}
