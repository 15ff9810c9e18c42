/// The readout: Voting over groups of `group` output neurons, then the mean over the `T` steps.
/// Input: the last Linear's spikes `[N, classes · group]`; output: the rate `[B, classes]`.
/// With `group` 1 (an MLP) the rate is the output layer's mean spike count.
final class VotingBlock: Block {
  let group: Int
  let steps: Int
  let outputShape: [Int]
  var spikeRate: Double? { nil }

  init(classes: Int, group: Int, steps: Int) {
    self.group = group
    self.steps = steps
    outputShape = [classes]
  }

  /// The rate `[batch, classes]` of `spikes` `[T · batch, classes · group]`.
  func forward(_ spikes: Tensor, batch: Int) -> Tensor {
    let voted = group == 1 ? spikes : Tensor.voting(spikes, group: group)  // [T·B, classes]
    let m = batch * outputShape[0]
    var rate = Tensor(shape: [batch, outputShape[0]])
    voted.withUnsafeBufferPointer { v in
      rate.withUnsafeMutableBufferPointer { r in
        for t in 0..<steps { for i in 0..<m { r[i] += v[t * m + i] } }
        for i in 0..<m { r[i] /= Float(steps) }
      }
    }
    return rate
  }

  /// dL/d(spikes) `[batch, classes · group]`, the same at every step, from `e = dL/dRate`
  /// `[batch, classes]`: voting and the mean over time spread `e` evenly over the group's
  /// members and the steps.
  func backward(_ e: Tensor) -> Tensor {
    let (batch, classes) = (e.shape[0], e.shape[1])
    let width = classes * group
    var g = Tensor(shape: [batch, width])
    e.withUnsafeBufferPointer { pe in
      g.withUnsafeMutableBufferPointer { g in
        for b in 0..<batch {
          for j in 0..<width {
            g[b * width + j] = pe[b * classes + j / group] / Float(group) / Float(steps)
          }
        }
      }
    }
    return g
  }
}
