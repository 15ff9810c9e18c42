/// The assumptions behind an estimate, as sentences printed beside the totals.
enum Assumptions {
  static func list(technology tech: Technology, traced: Bool) -> [String] {
    let arch = tech.architecture
    var lines = [
      "technology \(tech.name): \(tech.nodeNm) nm, \(tech.crossbarRows)x\(tech.crossbarCols) arrays, "
        + "\(tech.cellBits)-bit cells, \(tech.weightBits)-bit weights (\(tech.cellsPerWeight) cells each), "
        + "\(tech.signedWeights.rawValue) signed weights",
      "one shared \(tech.adcBits)-bit ADC per array; a 1-bit-input array read takes \(fmt(tech.readCycleNs)) ns",
      "spike inputs are binary (one read per time step)"
        + (tech.firstLayerInputBits > 1 ? ", the first layer's event counts \(tech.firstLayerInputBits)-bit, bit-serial" : ", event frames binarised")
        + "; errors are \(tech.errorBits)-bit, "
        + (arch.bitSerialError ? "fed to the transposed arrays bit-serially (\(tech.errorBits) reads)"
           : "spike-coded into the transposed arrays as in PipeLayer (one read per step)"),
      "BN folded into weights and thresholds; pooling, loss and error units digital and not charged",
      "replication \(arch.replication.rawValue)" + (arch.replication == .balanced ? " under a budget of \(arch.arrayBudget) arrays" : " (G = 1)"),
      "PipeLayer: 2L+1 stages per sample, each stage runs all T steps of its layer (BPTT), "
        + "backward slot factor k_bwd = \(fmt(arch.backwardSlotFactor)), update between batches",
      "PipeLayer transposed reads: \(arch.transposeMode.rawValue)"
        + (arch.transposeMode == .peripheral ? " (energy factor k_T = \(fmt(arch.transposePeripheralFactor)))" : " (Wᵀ copies written on every update)"),
      "PipeSDFA: time-step, data and batch pipelining; r = e·B once per sample (\(tech.errorBits) reads of all B arrays in parallel); "
        + "B stored as \(arch.feedbackMatrix.rawValue); "
        + (arch.staleWeights ? "stale weights, update fully hidden (ablation)" : "update exposed only where the next batch needs a layer before its write ends"),
      "reverse-time (BPTT) membrane-gradient terms charged to PipeLayer only: SDFA's broadcast error is the same at every time step",
      "row-serial writes, arrays in parallel: t_w = rows x 2 x n_p x \(fmt(tech.writePulseNs)) ns, n_p <= \(tech.maxPulsesPerRow)",
      "write pulse energy V²·G·t_p = \(fmt(tech.writePulsePj)) pJ, \(tech.pulsesPerLevel) pulse(s) per level step",
      traced ? "weight writes from the recorded weight-change trace"
        : "no weight-change trace: every cell assumed to change by one level per batch",
      arch.eventDriven ? "event-driven: array reads, conversions and neuron updates skipped where a row tile has no spike"
        : "dense: every read, conversion and neuron update performed",
      "static power \(fmt(tech.staticPowerMw)) mW",
      "one-time programming of W and B reported apart, not in the epoch energy",
    ]
    if tech.area == nil { lines.append("area not configured") }
    return lines
  }

  static func fmt(_ x: Double) -> String {
    x == x.rounded() && abs(x) < 1e9 ? String(Int(x)) : String(x)
  }
}
