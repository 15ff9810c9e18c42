import Foundation

/// Plain-text rendering of a ``HardwareEstimate`` (what `sdfa hw` prints).
public enum HardwareReport {
  /// A fixed-width table: mapping, time, energy by component and by layer, one-time
  /// programming, area, ratios and the assumptions. With `detail`, also each accelerator's
  /// layer × component energy and layer × phase energy.
  public static func render(_ e: HardwareEstimate, detail: Bool = false) -> String {
    let pl = e.pipeLayer, sd = e.pipeSDFA
    let m = e.mapping
    var out = "Hardware estimate: \(e.network) on \(e.technology)\n\n"
    out += "Mapping: \(m.weightArrays) weight arrays (utilisation \(pct(m.utilization))); "
    out += "B \(m.feedbackRows)x\(m.feedbackColumns) in \(m.feedbackArrays) arrays; "
    out += m.transposeDuplicateArrays > 0
      ? "PipeLayer Wᵀ copies \(m.transposeDuplicateArrays) arrays\n\n"
      : "PipeLayer transposed-read periphery on \(m.transposePeripheralArrays) arrays\n\n"

    var t = Table(["", "PipeLayer", "PipeSDFA", "PL/SDFA"])
    t.row("arrays", "\(pl.arrays)", "\(sd.arrays)", ratio(Double(pl.arrays), Double(sd.arrays)))
    t.row("pipeline cycle", time(pl.timing.cycleNs), time(sd.timing.cycleNs), "")
    t.row("cycles per batch", "\(pl.timing.cyclesPerBatch)", "\(sd.timing.cyclesPerBatch)", "")
    t.row("batch", time(pl.timing.batchNs), time(sd.timing.batchNs), ratio(pl.timing.batchNs, sd.timing.batchNs))
    t.row("  bubbles per batch", time(pl.timing.bubbleNsPerBatch) + " (\(pct(pl.timing.bubbleFraction)))",
          time(sd.timing.bubbleNsPerBatch) + " (\(pct(sd.timing.bubbleFraction)))", "")
    t.row("  projection + gradient", "-", time(sd.timing.projectionNs + sd.timing.gradientNs), "")
    t.row("  exposed update", time(pl.timing.updateNs), time(sd.timing.updateNs), "")
    t.row("epoch", time(pl.timing.epochNs), time(sd.timing.epochNs), ratio(pl.timing.epochNs, sd.timing.epochNs))
    t.row("  bubbles per epoch", time(pl.timing.bubbleNsPerEpoch), time(sd.timing.bubbleNsPerEpoch), "")
    for component in EnergyComponent.allCases {
      let a = pl.energy.total(component: component), b = sd.energy.total(component: component)
      if a == 0 && b == 0 { continue }
      t.row("energy: \(component.rawValue)", joules(a), joules(b), ratio(a, b))
    }
    for phase in TrainingPhase.allCases {
      let a = pl.energy.total(phase: phase), b = sd.energy.total(phase: phase)
      if a == 0 && b == 0 { continue }
      t.row("phase: \(phase.rawValue)", joules(a), joules(b), ratio(a, b))
    }
    t.row("energy per epoch", joules(pl.epochJoules), joules(sd.epochJoules), ratio(pl.epochJoules, sd.epochJoules))
    t.row("one-time programming W", joules(pl.programmingWeightsJ), joules(sd.programmingWeightsJ), "")
    t.row("one-time programming B", "-", joules(sd.programmingFeedbackJ), "")
    if let a = pl.areaMm2, let b = sd.areaMm2 {
      t.row("area", String(format: "%.3g mm²", a), String(format: "%.3g mm²", b), ratio(a, b))
    }
    out += "Per epoch\n" + t.text + "\n"

    var l = Table(["layer", "N_in x N_out", "P", "arrays", "G", "slot", "write", "PL energy", "SDFA energy", "PL/SDFA"])
    for (i, layer) in m.layers.enumerated() {
      let a = pl.energy.total(layer: layer.name), b = sd.energy.total(layer: layer.name)
      l.row(layer.name, "\(layer.rows)x\(layer.cols)", "\(layer.positions)", "\(layer.arrays)", "\(layer.replication)",
            time(pl.timing.layers[i].slotNs), time(pl.timing.layers[i].writeNs), joules(a), joules(b), ratio(a, b))
    }
    let fb = sd.energy.total(layer: "feedback")
    if fb > 0 { l.row("feedback B", "\(m.feedbackRows)x\(m.feedbackColumns)", "1", "\(m.feedbackArrays)", "1", "", "", "-", joules(fb), "") }
    out += "Per layer (energy per epoch)\n" + l.text + "\n"
    if detail {
      for acc in [pl, sd] { out += breakdown(acc, layers: m.layers.map(\.name)) }
    }
    out += String(format: "Totals: PipeSDFA is %.2fx faster and uses %.2fx less energy than PipeLayer", e.timeRatio, e.energyRatio)
    out += " (paper: 1.1x-10.5x time, 1.37x-2.1x energy)\n"
    out += "Assumptions:\n" + e.assumptions.map { "  - \($0)\n" }.joined()
    return out
  }

  /// Layer × component and layer × phase energy of one accelerator, non-zero columns only.
  static func breakdown(_ acc: AcceleratorEstimate, layers: [String]) -> String {
    let names = layers + ["feedback", "chip"].filter { n in acc.energy.contains { $0.layer == n } }
    let components = EnergyComponent.allCases.filter { acc.energy.total(component: $0) > 0 }
    var t = Table(["layer"] + components.map(\.rawValue))
    for name in names { t.rows.append([name] + components.map { joules(acc.energy.total(layer: name, component: $0)) }) }
    let phases = TrainingPhase.allCases.filter { acc.energy.total(phase: $0) > 0 }
    var p = Table(["layer"] + phases.map(\.rawValue))
    for name in names { p.rows.append([name] + phases.map { joules(acc.energy.total(layer: name, phase: $0)) }) }
    return "\(acc.accelerator.rawValue): energy per epoch by layer and component\n" + t.text + "\n"
      + "\(acc.accelerator.rawValue): energy per epoch by layer and phase\n" + p.text + "\n"
  }

  static func pct(_ x: Double) -> String { String(format: "%.1f%%", x * 100) }
  static func ratio(_ a: Double, _ b: Double) -> String { b > 0 ? String(format: "%.2fx", a / b) : "-" }

  static func time(_ ns: Double) -> String {
    switch ns {
    case ..<1e3: return String(format: "%.3g ns", ns)
    case ..<1e6: return String(format: "%.3g us", ns / 1e3)
    case ..<1e9: return String(format: "%.3g ms", ns / 1e6)
    default: return String(format: "%.4g s", ns / 1e9)
    }
  }

  static func joules(_ j: Double) -> String {
    switch abs(j) {
    case 0: return "0"
    case ..<1e-6: return String(format: "%.3g nJ", j * 1e9)
    case ..<1e-3: return String(format: "%.3g uJ", j * 1e6)
    case ..<1: return String(format: "%.3g mJ", j * 1e3)
    default: return String(format: "%.4g J", j)
    }
  }
}

/// A left-aligned first column and right-aligned others.
struct Table {
  var rows: [[String]]
  init(_ header: [String]) { rows = [header] }
  mutating func row(_ cells: String...) { rows.append(cells) }

  var text: String {
    let widths = rows[0].indices.map { c in rows.map { c < $0.count ? $0[c].count : 0 }.max() ?? 0 }
    return rows.map { cells in
      cells.enumerated().map { c, cell in
        let pad = String(repeating: " ", count: max(widths[c] - cell.count, 0))
        return c == 0 ? cell + pad : pad + cell
      }.joined(separator: "  ") + "\n"
    }.joined()
  }
}
