import Foundation

/// Operation counts × per-operation energies (research notes §3), per epoch.
///
/// Event-driven: crossbar current and row drivers scale with the input spike rate `ρ`; an
/// array read, its conversions, merges and the neuron updates it feeds are skipped when its
/// row tile carries no spike, with probability `(1 − ρ)^rows`. Work of the error path of a
/// layer is gated the same way (a neuron that received nothing has a closed surrogate gate).
public enum EnergyModel {
  /// Per-epoch energy terms of `accelerator`.
  public static func epochTerms(
    _ accelerator: Accelerator, network: NetworkDescription, mapping: NetworkMapping,
    activity: ActivityProfile, trace: WeightUpdateTrace?, timing: TimingEstimate, technology tech: Technology
  ) -> [EnergyTerm] {
    var terms: [EnergyTerm] = []
    let samples = Double(network.samplesPerEpoch)
    let batches = Double(network.batchesPerEpoch)
    // Adds `count` operations per sample of `unitPj` each.
    func perSample(_ layer: String, _ component: EnergyComponent, _ phase: TrainingPhase, _ count: Double, _ unitPj: Double) {
      let joules = count * unitPj * samples * 1e-12
      if joules != 0 { terms.append(EnergyTerm(layer: layer, component: component, phase: phase, joules: joules)) }
    }
    let arch = tech.architecture
    let t = Double(network.timeSteps)
    let p = Double(tech.signedWeights.arraysPerWeight)
    let nc = Double(tech.cellsPerWeight)
    let conversion = tech.adcPj + tech.sampleHoldPj
    let eBits = Double(tech.errorBits)
    let errorReads = arch.bitSerialError ? eBits : 1
    var anyActive = 0.0

    for (i, layer) in network.layers.enumerated() {
      let m = mapping.layers[i]
      let name = layer.name
      let rho = arch.eventDriven ? activity.layers[i].inputRate : 1
      let rhoOut = arch.eventDriven ? activity.layers[i].outputRate : 1
      let active = arch.eventDriven ? 1 - pow(1 - rho, Double(m.rowsPerArray)) : 1
      anyActive = max(anyActive, active)
      let steps = t * Double(m.positions)  // reads per sample (T · P)
      let inputBits = i == 0 ? Double(network.inputBits(tech)) : 1  // bit-serial counts or values
      let nIn = Double(m.rows), nOut = Double(m.cols), f = Double(m.feedbackSize)
      let r = Double(m.rowTiles), k = Double(m.colTiles), a = Double(m.arraysPerCopy)

      // Forward (common).
      perSample(name, .crossbarRead, .forward, inputBits * steps * a * rho, tech.crossbarReadPj)
      perSample(name, .adc, .forward, inputBits * steps * active * r * nOut * nc * p, conversion)
      perSample(name, .dacDrivers, .forward, inputBits * steps * rho * nIn * k * p, tech.dacPj)
      perSample(name, .shiftAdd, .forward, inputBits * steps * active * nOut * nc * r, tech.shiftAddPj)
      perSample(name, .neuron, .forward, steps * active * nOut, tech.neuronPj)
      perSample(name, .buffer, .forward,
                inputBits * steps * nIn * rho + t * f * rhoOut + steps * active * nOut * Double(tech.stateBits), tech.bufferPjPerBit)
      perSample(name, .dataMovement, .forward, t * f * rhoOut, tech.dataMovementPjPerBit)

      // Weight gradient (common): add-only outer products of binary spikes, surrogate × δ.
      perSample(name, .gradientAdd, .gradient, steps * rho * nIn * nOut, tech.addPj)
      perSample(name, .multiply, .gradient, steps * active * nOut, tech.multiplyPj)
      perSample(name, .buffer, .gradient,
                steps * active * nOut * Double(tech.stateBits) + steps * nIn * rho, tech.bufferPjPerBit)

      // Reverse-time membrane terms (dL/dV carried from step t+1 to t: one multiply per neuron
      // and step, the carried value written and read back), for whichever method trains the
      // layer through time: BP and SDFA alike under `temporal: bptt` (the reference code; SDFA's
      // broadcast error is the same at every step, its layer-internal BPTT is not), only the
      // output layer under `temporal: local`.
      if network.reverseTime(layer: i) {
        perSample(name, .multiply, .error, steps * active * nOut, tech.multiplyPj)
        perSample(name, .buffer, .error, steps * active * nOut * eBits * 2, tech.bufferPjPerBit)
      }
      switch accelerator {
      case .pipeLayer:
        if i > 0 {
          let kT = arch.transposeMode == .peripheral ? arch.transposePeripheralFactor : 1
          let reads = steps * errorReads * active
          perSample(name, .crossbarRead, .error, reads * a, tech.crossbarReadPj)
          perSample(name, .adc, .error, reads * nIn * k * p * kT, conversion)
          perSample(name, .dacDrivers, .error, reads * nOut * nc * p * r * kT, tech.dacPj)
          perSample(name, .shiftAdd, .error, reads * nIn * k, tech.shiftAddPj)
          let below = Double(network.layers[i - 1].feedbackSize)
          perSample(name, .dataMovement, .error, t * below * eBits * active, tech.dataMovementPjPerBit)
        }
      case .pipeSDFA:
        if layer.hasFeedbackPoint {
          perSample(name, .multiply, .error, t * f * active, tech.multiplyPj)
          perSample(name, .buffer, .error, f * eBits * 2 * active, tech.bufferPjPerBit)
          perSample(name, .dataMovement, .error, f * eBits * active, tech.dataMovementPjPerBit)
        }
      }

      // Update, once per batch.
      var pulses: Double
      if let layerTrace = trace?.layers[i] {
        pulses = layerTrace.levelStepsPerStep * Double(tech.pulsesPerLevel)
      } else {
        pulses = Double(m.cellsUsed)  // no trace: every cell changes by one level
      }
      pulses *= Double(m.replication)
      if accelerator == .pipeLayer && arch.transposeMode == .duplicate && i > 0 { pulses *= 2 }
      let writeJ = pulses * tech.writePulsePj * batches * 1e-12
      if writeJ != 0 { terms.append(EnergyTerm(layer: name, component: .cellProgramming, phase: .update, joules: writeJ)) }
    }

    if accelerator == .pipeSDFA && mapping.feedbackArrays > 0 {
      let rB = Double(ceilDiv(mapping.feedbackRows, tech.crossbarRows))
      let kB = Double(ceilDiv(mapping.feedbackColumns * tech.feedbackCellsPerEntry, tech.crossbarCols))
      let pB = Double(tech.feedbackSignedWeights.arraysPerWeight)
      let cols = Double(mapping.feedbackColumns * tech.feedbackCellsPerEntry) * pB
      let pj = eBits * anyActive * (
        Double(mapping.feedbackArrays) * tech.crossbarReadPj + rB * cols * conversion
        + Double(mapping.feedbackRows) * kB * pB * tech.dacPj + rB * cols / pB * tech.shiftAddPj)
      perSample("feedback", .feedbackMatrixRead, .error, 1, pj)
    }
    let staticJ = tech.staticPowerMw * 1e-3 * timing.epochNs * 1e-9
    if staticJ != 0 { terms.append(EnergyTerm(layer: "chip", component: .staticPower, phase: .static, joules: staticJ)) }
    return terms
  }

  /// One-time programming of the weights (all copies) and, for PipeSDFA, of `B`, in joules.
  public static func programming(
    _ accelerator: Accelerator, mapping: NetworkMapping, technology tech: Technology
  ) -> (weights: Double, feedback: Double) {
    let meanPulses = Double((1 << tech.cellBits) - 1) / 2 * Double(tech.pulsesPerLevel)
    var cells = mapping.layers.reduce(0.0) { $0 + Double($1.cellsUsed * $1.replication) }
    if accelerator == .pipeLayer && tech.architecture.transposeMode == .duplicate {
      cells += mapping.layers.dropFirst().reduce(0.0) { $0 + Double($1.cellsUsed * $1.replication) }
    }
    let weights = cells * meanPulses * tech.writePulsePj * 1e-12
    guard accelerator == .pipeSDFA else { return (weights, 0) }
    // B is programmed once, one pulse per cell (intrinsic stochasticity gives its spread).
    let bCells = Double(mapping.feedbackRows * mapping.feedbackColumns * tech.feedbackCellsPerEntry
                        * tech.feedbackSignedWeights.arraysPerWeight)
    return (weights, bCells * tech.writePulsePj * 1e-12)
  }
}
