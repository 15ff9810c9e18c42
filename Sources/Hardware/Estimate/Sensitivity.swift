import Foundation

/// The model's `[assumption]` knobs and the values a sensitivity study sweeps
/// (`experiments/hardware/sensitivity.yml`, docs/hardware-model.md "Sensitivity").
///
/// Every knob lists its candidate values; the technology file's value is the default. A
/// setting is one value per knob, applied to every workload alike.
public struct SensitivityKnobs: Codable, Sendable, Equatable {
  /// How BP's error vectors enter the transposed arrays: one spike-coded read per step, or
  /// `error_bits` bit-serial reads (energy of the error VMMs).
  public var errorEncoding: [ErrorEncoding]
  /// PipeLayer's backward stage length in forward slots (`k_bwd`, timing).
  public var backwardSlot: [Double]
  /// ADC resolution; energy per conversion scales as `2^(b − b₀)` and the read cycle as
  /// `(b + 2) / (b₀ + 2)` (SAR latency, MNSIM's `(b+2)/f_s`) from the technology's `b₀`.
  public var adcBits: [Int]
  public var cellBits: [Int]
  /// Batch sizes; nil keeps each workload's own (its reference config's).
  public var batchSize: [Int?]

  public init(
    errorEncoding: [ErrorEncoding], backwardSlot: [Double], adcBits: [Int], cellBits: [Int],
    batchSize: [Int?]
  ) {
    self.errorEncoding = errorEncoding
    self.backwardSlot = backwardSlot
    self.adcBits = adcBits
    self.cellBits = cellBits
    self.batchSize = batchSize
  }

  /// Every combination of the knobs' values.
  public var grid: [SensitivitySetting] {
    var out: [SensitivitySetting] = []
    for e in errorEncoding {
      for k in backwardSlot {
        for a in adcBits {
          for c in cellBits {
            for b in batchSize {
              out.append(SensitivitySetting(errorEncoding: e, backwardSlot: k, adcBits: a, cellBits: c, batchSize: b))
            }
          }
        }
      }
    }
    return out
  }
}

/// How error values enter a crossbar.
public enum ErrorEncoding: String, Codable, Sendable, CaseIterable {
  /// One read per step (PipeLayer's spike-coded input, as recalled; unverified here).
  case spike
  /// `error_bits` reads, one per bit.
  case bitSerial = "bit_serial"
}

/// One value per knob.
public struct SensitivitySetting: Codable, Sendable, Hashable, CustomStringConvertible {
  public var errorEncoding: ErrorEncoding
  public var backwardSlot: Double
  public var adcBits: Int
  public var cellBits: Int
  public var batchSize: Int?

  public init(errorEncoding: ErrorEncoding, backwardSlot: Double, adcBits: Int, cellBits: Int, batchSize: Int?) {
    self.errorEncoding = errorEncoding
    self.backwardSlot = backwardSlot
    self.adcBits = adcBits
    self.cellBits = cellBits
    self.batchSize = batchSize
  }

  /// The technology's own values (batch: each workload's).
  public static func defaults(_ tech: Technology) -> SensitivitySetting {
    SensitivitySetting(
      errorEncoding: tech.architecture.bitSerialError ? .bitSerial : .spike,
      backwardSlot: tech.architecture.backwardSlotFactor, adcBits: tech.adcBits, cellBits: tech.cellBits,
      batchSize: nil)
  }

  /// `tech` with this setting's values.
  public func apply(to tech: Technology) -> Technology {
    var t = tech
    t.architecture.bitSerialError = errorEncoding == .bitSerial
    t.architecture.backwardSlotFactor = backwardSlot
    t.adcPj = tech.adcPj * Foundation.pow(2, Double(adcBits - tech.adcBits))
    t.readCycleNs = tech.readCycleNs * Double(adcBits + 2) / Double(tech.adcBits + 2)
    t.adcBits = adcBits
    t.cellBits = cellBits
    return t
  }

  public var description: String {
    "error \(errorEncoding.rawValue), k_bwd \(Assumptions.fmt(backwardSlot)), ADC \(adcBits) b, cell \(cellBits) b, batch "
      + (batchSize.map(String.init) ?? "config")
  }
}

/// A workload of the study: its network and the activity each accelerator is costed with.
public struct SensitivityWorkload: Sendable {
  public var network: NetworkDescription
  /// Activity of the BP run (PipeLayer) and of the SDFA run (PipeSDFA).
  public var bpActivity: ActivityProfile
  public var sdfaActivity: ActivityProfile
  /// Where the activity comes from, for the caption.
  public var activitySource: String

  public init(network: NetworkDescription, bpActivity: ActivityProfile, sdfaActivity: ActivityProfile, activitySource: String) {
    self.network = network
    self.bpActivity = bpActivity
    self.sdfaActivity = sdfaActivity
    self.activitySource = activitySource
  }
}

/// Time and energy ratio (PipeLayer over PipeSDFA) of one workload under one setting.
public struct RatioPoint: Codable, Sendable, Equatable {
  public var time: Double
  public var energy: Double
}

/// One workload's ratios: at the default, per knob alone (others at default), over the grid.
public struct WorkloadSensitivity: Codable, Sendable, Equatable {
  public var workload: String
  public var activitySource: String
  public var defaultRatio: RatioPoint
  /// Knob name → (lowest, highest) ratio with only that knob varied.
  public var perKnob: [String: ClosedRange<Double>]
  public var perKnobEnergy: [String: ClosedRange<Double>]
  public var gridTime: ClosedRange<Double>
  public var gridEnergy: ClosedRange<Double>
}

/// Ratios of every workload under every setting of the grid.
public enum Sensitivity {
  /// One workload under one setting: PipeLayer costed with the BP run's activity, PipeSDFA
  /// with the SDFA run's.
  public static func ratio(_ w: SensitivityWorkload, setting: SensitivitySetting, technology: Technology) -> RatioPoint {
    var net = w.network
    if let b = setting.batchSize { net.batchSize = b }
    let tech = setting.apply(to: technology)
    let pl = HardwareModel.estimate(network: net, activity: w.bpActivity, trace: nil, technology: tech).pipeLayer
    let sd = HardwareModel.estimate(network: net, activity: w.sdfaActivity, trace: nil, technology: tech).pipeSDFA
    return RatioPoint(time: pl.timing.epochNs / sd.timing.epochNs, energy: pl.epochJoules / sd.epochJoules)
  }

  /// The study of `workloads` over `knobs` from `technology`'s defaults.
  public static func study(
    _ workloads: [SensitivityWorkload], knobs: SensitivityKnobs, technology: Technology
  ) -> (workloads: [WorkloadSensitivity], grid: [(SensitivitySetting, [RatioPoint])]) {
    let base = SensitivitySetting.defaults(technology)
    let grid = knobs.grid
    let gridRatios = grid.map { s in (s, workloads.map { ratio($0, setting: s, technology: technology) }) }
    let results = workloads.enumerated().map { i, w in
      let def = ratio(w, setting: base, technology: technology)
      var perKnob: [String: ClosedRange<Double>] = [:], perKnobEnergy: [String: ClosedRange<Double>] = [:]
      func vary(_ name: String, _ settings: [SensitivitySetting]) {
        let r = settings.map { ratio(w, setting: $0, technology: technology) } + [def]
        perKnob[name] = r.map(\.time).min()!...r.map(\.time).max()!
        perKnobEnergy[name] = r.map(\.energy).min()!...r.map(\.energy).max()!
      }
      vary("error_encoding", knobs.errorEncoding.map { var s = base; s.errorEncoding = $0; return s })
      vary("backward_slot", knobs.backwardSlot.map { var s = base; s.backwardSlot = $0; return s })
      vary("adc_bits", knobs.adcBits.map { var s = base; s.adcBits = $0; return s })
      vary("cell_bits", knobs.cellBits.map { var s = base; s.cellBits = $0; return s })
      vary("batch_size", knobs.batchSize.map { var s = base; s.batchSize = $0; return s })
      let times = gridRatios.map { $0.1[i].time } + [def.time]
      let energies = gridRatios.map { $0.1[i].energy } + [def.energy]
      return WorkloadSensitivity(
        workload: w.network.name, activitySource: w.activitySource, defaultRatio: def, perKnob: perKnob,
        perKnobEnergy: perKnobEnergy, gridTime: times.min()!...times.max()!,
        gridEnergy: energies.min()!...energies.max()!)
    }
    return (results, gridRatios)
  }
}
