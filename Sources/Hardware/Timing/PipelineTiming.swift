/// The two accelerators the model compares.
public enum Accelerator: String, Codable, Sendable, CaseIterable {
  /// PipeLayer-style BP/BPTT: `2L+1` stages per sample, update between batches.
  case pipeLayer = "pipelayer"
  /// PipeSDFA: time-step, data and batch pipelining, error broadcast to all layers at once.
  case pipeSDFA = "pipesdfa"
}

/// Time one layer's hardware is busy in a batch.
public struct LayerTiming: Codable, Sendable, Equatable {
  public var name: String
  /// One time step of one sample on this layer, `ceil(P/G) · t_xb` (`s_l`).
  public var slotNs: Double
  /// Forward array time per batch, `B · T · s_l`.
  public var forwardNsPerBatch: Double
  /// Error (transposed read) array time per batch; 0 for PipeSDFA.
  public var errorNsPerBatch: Double
  /// Gradient-unit time per sample (`t_grad,l`).
  public var gradientNsPerSample: Double
  /// Row-serial array write per batch (`t_w,l`).
  public var writeNs: Double
}

/// Cycle accounting of one accelerator for one training batch and epoch.
public struct TimingEstimate: Codable, Sendable, Equatable {
  public var accelerator: Accelerator
  /// Pipeline cycle: `τ_PL = T · max(s, k_bwd · s_{l≥2})` for PipeLayer, `τ = max s_l` for
  /// PipeSDFA (each at least as long as the gradient units need: `t_grad` and `t_grad / T`).
  public var cycleNs: Double
  /// Cycles of the pipeline per batch (`2L + B` for PipeLayer, `B·T + L − 1` for PipeSDFA).
  public var cyclesPerBatch: Int
  /// Broadcast projection `r = e·B` after the last sample (`t_proj`); 0 for PipeLayer.
  public var projectionNs: Double
  /// Gradient of the last sample not hidden by the pipeline (`t_grad`); 0 for PipeLayer.
  public var gradientNs: Double
  /// Update time added to the batch (PipeLayer `max(τ_PL, t_w)`, PipeSDFA `t_exp`).
  public var updateNs: Double
  public var batchNs: Double
  public var batchesPerEpoch: Int
  /// Idle time per batch: fill/drain slots plus the exposed projection, gradient and update.
  public var bubbleNsPerBatch: Double
  public var layers: [LayerTiming]

  public var epochNs: Double { batchNs * Double(batchesPerEpoch) }
  public var bubbleNsPerEpoch: Double { bubbleNsPerBatch * Double(batchesPerEpoch) }
  /// Fraction of the batch the pipeline is idle in.
  public var bubbleFraction: Double { batchNs > 0 ? bubbleNsPerBatch / batchNs : 0 }
}

/// Pipeline timing of PipeLayer and PipeSDFA (research notes §4).
public enum Timing {
  /// Per-layer slots, gradient and write times common to both accelerators.
  static func layerTimes(
    network: NetworkDescription, mapping: NetworkMapping, activity: ActivityProfile,
    trace: WeightUpdateTrace?, technology tech: Technology
  ) -> [(slot: Double, gradient: Double, write: Double)] {
    network.layers.indices.map { i in
      let m = mapping.layers[i]
      let rho = tech.architecture.eventDriven ? activity.layers[i].inputRate : 1
      let inputBits = i == 0 ? Double(network.inputBits(tech)) : 1
      let slot = Double(m.slotReads) * inputBits * tech.readCycleNs
      let adds = Double(network.timeSteps * m.positions) * rho * Double(m.rows * m.cols)
      let adders = Double(tech.gradientAddersPerArray * m.arrays)
      // Not added: the reverse-time chain of a layer trained through time (T serial digital
      // steps, all neurons in parallel; T · t_clk ≤ 119 ns for Braille's 152 steps). Per sample
      // it hides under the next sample's T forward slots (≥ T · 100 ns); only the last sample's
      // is exposed, once per batch (docs/hardware-model.md, "What is not modelled").
      let gradient = (adds / adders).rounded(.up) * tech.digitalCycleNs
      var pulses = Double(tech.maxPulsesPerRow)
      if let t = trace?.layers[i] {
        pulses = min(pulses, Double(t.maxLevelStep * tech.pulsesPerLevel))
      }
      let write = Double(m.rowsPerArray) * 2 * pulses * tech.writePulseNs
      return (slot, gradient, write)
    }
  }

  /// PipeLayer: `T_batch = (2L + B) · τ_PL + max(τ_PL, max_l t_w,l)`.
  public static func pipeLayer(
    network: NetworkDescription, mapping: NetworkMapping, activity: ActivityProfile,
    trace: WeightUpdateTrace?, technology tech: Technology
  ) -> TimingEstimate {
    let times = layerTimes(network: network, mapping: mapping, activity: activity, trace: trace, technology: tech)
    let t = Double(network.timeSteps), b = network.batchSize, depth = network.layers.count
    let kBwd = tech.architecture.backwardSlotFactor
    let forwardSlot = times.map(\.slot).max() ?? 0
    let errorSlot = times.dropFirst().map { $0.slot * kBwd }.max() ?? 0
    // A stage also waits for its layer's gradient units (they rarely bind).
    let cycle = max(t * max(forwardSlot, errorSlot), times.map(\.gradient).max() ?? 0)
    let update = max(cycle, times.map(\.write).max() ?? 0)
    let cycles = 2 * depth + b
    let layers = network.layers.indices.map { i in
      LayerTiming(
        name: network.layers[i].name, slotNs: times[i].slot,
        forwardNsPerBatch: Double(b) * t * times[i].slot,
        errorNsPerBatch: i == 0 ? 0 : Double(b) * t * times[i].slot * kBwd,
        gradientNsPerSample: times[i].gradient, writeNs: times[i].write)
    }
    return TimingEstimate(
      accelerator: .pipeLayer, cycleNs: cycle, cyclesPerBatch: cycles, projectionNs: 0, gradientNs: 0,
      updateNs: update, batchNs: Double(cycles) * cycle + update, batchesPerEpoch: network.batchesPerEpoch,
      bubbleNsPerBatch: Double(2 * depth) * cycle + update, layers: layers)
  }

  /// PipeSDFA: `T_batch = (B·T + L − 1) · τ + t_proj + t_grad + t_exp`, with
  /// `t_exp = max_l max(0, t_w,l − (l − 1) · τ)` (0 with stale weights).
  public static func pipeSDFA(
    network: NetworkDescription, mapping: NetworkMapping, activity: ActivityProfile,
    trace: WeightUpdateTrace?, technology tech: Technology
  ) -> TimingEstimate {
    let times = layerTimes(network: network, mapping: mapping, activity: activity, trace: trace, technology: tech)
    let t = network.timeSteps, b = network.batchSize, depth = network.layers.count
    let gradient = times.map(\.gradient).max() ?? 0
    // Each layer's gradient units must keep up with one sample every T slots.
    let tau = max(times.map(\.slot).max() ?? 0, gradient / Double(t))
    let projection = mapping.feedbackArrays > 0 ? Double(tech.errorBits) * tech.readCycleNs : 0
    var exposed = 0.0
    if !tech.architecture.staleWeights {
      for (i, time) in times.enumerated() { exposed = max(exposed, time.write - Double(i) * tau) }
    }
    let cycles = b * t + depth - 1
    let layers = network.layers.indices.map { i in
      LayerTiming(
        name: network.layers[i].name, slotNs: times[i].slot,
        forwardNsPerBatch: Double(b * t) * times[i].slot, errorNsPerBatch: 0,
        gradientNsPerSample: times[i].gradient, writeNs: times[i].write)
    }
    let extra = projection + gradient + exposed
    return TimingEstimate(
      accelerator: .pipeSDFA, cycleNs: tau, cyclesPerBatch: cycles, projectionNs: projection,
      gradientNs: gradient, updateNs: exposed, batchNs: Double(cycles) * tau + extra,
      batchesPerEpoch: network.batchesPerEpoch,
      bubbleNsPerBatch: Double(depth - 1) * tau + extra, layers: layers)
  }
}
