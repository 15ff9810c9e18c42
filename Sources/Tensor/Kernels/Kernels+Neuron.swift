import _CKernels

/// Spiking neuron model of a layer (DESIGN.md "SNN semantics").
public struct NeuronParameters: Sendable, Hashable, Codable {
  /// Leaky (LIF, `decay_input`) or non-leaky (IF) integration.
  public var leaky: Bool
  /// Membrane time constant (LIF only).
  public var tau: Float
  /// Firing threshold; the reset is hard, to 0.
  public var vThreshold: Float
  /// Sharpness of the ATan surrogate.
  public var alpha: Float
  /// Whether the backward pass treats the reset's spike as a constant (spikingjelly's
  /// `detach_reset=True`): `V = H · (1 − S)` then gives `dV/dH = 1 − S` instead of
  /// `1 − S − H · S'(H)`. Only gradients change; the forward pass is the same.
  public var detachReset: Bool
  /// Whether the membrane's gradient flows from step t back to step t − 1 (backpropagation
  /// through time, the default). False cuts `dH[t]/dV[t−1]`: each step's dL/dX comes from that
  /// step's dL/dS alone (`train.temporal: local`, set per layer by the trainer).
  public var backwardThroughTime: Bool

  public init(
    leaky: Bool = true, tau: Float = 2, vThreshold: Float = 1, alpha: Float = 2,
    detachReset: Bool = false, backwardThroughTime: Bool = true
  ) {
    self.leaky = leaky
    self.tau = tau
    self.vThreshold = vThreshold
    self.alpha = alpha
    self.detachReset = detachReset
    self.backwardThroughTime = backwardThroughTime
  }

  private enum CodingKeys: String, CodingKey {
    case leaky, tau, vThreshold, alpha, detachReset, backwardThroughTime
  }

  /// Decodes parameters saved before the gradient options existed as their defaults.
  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    self.init(
      leaky: try c.decode(Bool.self, forKey: .leaky), tau: try c.decode(Float.self, forKey: .tau),
      vThreshold: try c.decode(Float.self, forKey: .vThreshold),
      alpha: try c.decode(Float.self, forKey: .alpha),
      detachReset: try c.decodeIfPresent(Bool.self, forKey: .detachReset) ?? false,
      backwardThroughTime: try c.decodeIfPresent(Bool.self, forKey: .backwardThroughTime) ?? true)
  }
}

extension Kernels {
  /// Multi-step neuron forward over `steps` steps of `rowsPerStep × rowWidth` units.
  ///
  /// `x`, `h`, `s`: `[steps, rowsPerStep, rowWidth]`; `v`: scratch of `rowsPerStep · rowWidth`.
  /// Writes membrane potentials before reset (`h`), spikes as 0/1 (`s`) and, per row
  /// (`t · rowsPerStep + r`), the indices of spiking units (CSR `rowStart`, `indices` of capacity
  /// `steps · rowsPerStep · rowWidth`). Returns the number of spikes.
  ///
  /// On several threads the spikes are counted first; `listIndices(count)` returning false
  /// skips listing them (`rowStart` is filled either way).
  public static func neuronForward(
    steps: Int, rowsPerStep: Int, rowWidth: Int, x: UnsafePointer<Float>,
    h: UnsafeMutablePointer<Float>, s: UnsafeMutablePointer<Float>,
    v: UnsafeMutablePointer<Float>, rowStart: UnsafeMutablePointer<Int>,
    indices: UnsafeMutablePointer<Int32>, neuron: NeuronParameters, threads: Int = 1,
    listIndices: (Int) -> Bool = { _ in true }
  ) -> Int {
    let rs = UnsafeMutableRawPointer(rowStart).assumingMemoryBound(to: Int64.self)
    let m = rowsPerStep * rowWidth, rows = steps * rowsPerStep
    let parts = m >= 4096 ? max(1, threads) : 1
    if parts == 1 {
      return Int(
        sdfa_neuron_forward(
          Int64(steps), Int64(rowsPerStep), Int64(rowWidth), x, h, s, v, rs, indices,
          neuron.leaky ? 1 : 0, neuron.tau, neuron.vThreshold))
    }
    // Threaded: integrate unit blocks, count spikes per row, prefix-sum, emit per row block.
    parallelFor(parts, threads: parts) { p in
      let u0 = (m * p / parts) & ~15, u1 = p == parts - 1 ? m : (m * (p + 1) / parts) & ~15
      guard u1 > u0 else { return }
      sdfa_neuron_charge(
        Int64(steps), Int64(u1 - u0), Int64(m), x + u0, h + u0, s + u0, v + u0,
        neuron.leaky ? 1 : 0, neuron.tau, neuron.vThreshold)
    }
    parallelFor(parts, threads: parts) { p in
      let r0 = rows * p / parts, r1 = rows * (p + 1) / parts
      sdfa_count_spikes(Int64(r1 - r0), Int64(rowWidth), s + r0 * rowWidth, rs + r0 + 1)
    }
    rs[0] = 0
    for r in 0..<rows { rs[r + 1] += rs[r] }
    guard listIndices(Int(rs[rows])) else { return Int(rs[rows]) }
    parallelFor(parts, threads: parts) { p in
      let r0 = rows * p / parts, r1 = rows * (p + 1) / parts
      sdfa_emit_spikes(Int64(r1 - r0), Int64(rowWidth), s + r0 * rowWidth, rs + r0, indices)
    }
    return Int(rs[rows])
  }

  /// Backward through time of ``neuronForward(steps:rowsPerStep:rowWidth:x:h:s:v:rowStart:indices:neuron:)``
  /// with the ATan surrogate; `neuron.detachReset` and `neuron.backwardThroughTime` select which
  /// terms of the gradient are kept.
  ///
  /// `gradS` holds dL/dS per step (`broadcastOverTime`: one `[m]` slice used at every step);
  /// `gradX` receives dL/dX, `[steps, m]`; `gv` is scratch of `m`.
  public static func neuronBackward(
    steps: Int, m: Int, h: UnsafePointer<Float>, s: UnsafePointer<Float>,
    gradS: UnsafePointer<Float>, broadcastOverTime: Bool, gradX: UnsafeMutablePointer<Float>,
    gv: UnsafeMutablePointer<Float>, neuron: NeuronParameters, threads: Int = 1
  ) {
    // Units are independent through time: split them into blocks over threads.
    let parts = m >= 4096 ? max(1, threads) : 1
    parallelFor(parts, threads: parts) { p in
      let u0 = (m * p / parts) & ~15, u1 = p == parts - 1 ? m : (m * (p + 1) / parts) & ~15
      guard u1 > u0 else { return }
      sdfa_neuron_backward(
        Int64(steps), Int64(u1 - u0), Int64(m), h + u0, s + u0, gradS + u0,
        broadcastOverTime ? 0 : Int64(m), gradX + u0, gv + u0, neuron.leaky ? 1 : 0, neuron.tau,
        neuron.vThreshold, neuron.alpha, neuron.detachReset ? 1 : 0,
        neuron.backwardThroughTime ? 1 : 0)
    }
  }
}
