/// One accelerator's estimates for one workload, summarised over the runs that fed it.
public struct AcceleratorSummary: Codable, Hashable, Sendable {
  public var accelerator: String
  /// Total training time, seconds.
  public var time: Summary
  /// Total training energy, joules.
  public var energy: Summary
  /// Mean seconds per layer over the runs that report the layer.
  public var timeByLayer: [String: Double]
  /// Mean joules per layer.
  public var energyByLayer: [String: Double]
  /// Mean seconds per component or pipeline phase.
  public var timeByComponent: [String: Double]
  /// Mean joules per circuit component.
  public var energyByComponent: [String: Double]
}

/// All accelerators' estimates for one workload (a sweep point without seed and method).
public struct WorkloadHardware: Codable, Hashable, Sendable {
  public var coordinates: [Coordinate]
  public var workload: Workload?
  /// In order of first appearance.
  public var accelerators: [AcceleratorSummary]

  public func accelerator(_ name: String) -> AcceleratorSummary? {
    accelerators.first { $0.accelerator == name }
  }

  /// Baseline time over proposed time (above 1: the proposed accelerator is faster).
  public func timeRatio(baseline: String = "pipelayer", proposed: String = "pipesdfa") -> Double? {
    ratio(accelerator(baseline)?.time.mean, accelerator(proposed)?.time.mean)
  }

  /// Baseline energy over proposed energy (above 1: the proposed accelerator uses less).
  public func energyRatio(baseline: String = "pipelayer", proposed: String = "pipesdfa") -> Double? {
    ratio(accelerator(baseline)?.energy.mean, accelerator(proposed)?.energy.mean)
  }

  private func ratio(_ a: Double?, _ b: Double?) -> Double? {
    guard let a, let b, b != 0 else { return nil }
    return a / b
  }

  /// `dataset=nmnist, model.hidden=[1000]`.
  public var label: String { coordinates.map(\.description).joined(separator: ", ") }
}

/// Which runs an accelerator's numbers are taken from: PipeLayer trains with BP and PipeSDFA
/// with SDFA, so each is summarised over the runs of its own method when there are any.
public struct AcceleratorSource: Codable, Hashable, Sendable {
  public var accelerator: String
  /// The method whose runs feed this accelerator; nil takes all runs.
  public var method: String?

  public init(_ accelerator: String, method: String?) {
    self.accelerator = accelerator
    self.method = method
  }

  public static let paper: [AcceleratorSource] = [.init("pipelayer", method: "bp"), .init("pipesdfa", method: "sdfa")]
}

extension Report {
  /// Summarises hardware results per workload (all coordinates but seed and method).
  ///
  /// For an accelerator named in `sources`, only runs of its method count when some of them
  /// carry a result for it; otherwise, and for accelerators not named, every run with a
  /// result does. Workloads without any hardware result are left out.
  public static func summarizeHardware(
    _ records: [RunRecord], seedAxis: String = "seed", methodAxis: String = "method",
    sources: [AcceleratorSource] = AcceleratorSource.paper
  ) -> [WorkloadHardware] {
    let groups = aggregate(records, seedAxis: seedAxis)
    var order: [[Coordinate]] = []
    var runs: [[Coordinate]: [RunRecord]] = [:]
    var workloads: [[Coordinate]: Workload] = [:]
    for group in groups {
      let key = group.coordinates.filter { $0.axis != methodAxis }
      if runs[key] == nil { order.append(key) }
      runs[key, default: []].append(contentsOf: group.records)
      if workloads[key] == nil, let w = group.workload { workloads[key] = w }
    }
    return order.compactMap { key in
      let members = runs[key]!
      var names: [String] = []
      for r in members { for h in r.hardware ?? [] where !names.contains(h.accelerator) { names.append(h.accelerator) } }
      guard !names.isEmpty else { return nil }
      let summaries = names.map { name -> AcceleratorSummary in
        let all = members.filter { r in r.hardware?.contains { $0.accelerator == name } ?? false }
        var chosen = all
        if let method = sources.first(where: { $0.accelerator == name })?.method {
          let own = all.filter { $0.value(of: methodAxis) == method }
          if !own.isEmpty { chosen = own }
        }
        let results = chosen.compactMap { r in r.hardware?.first { $0.accelerator == name } }
        return AcceleratorSummary(
          accelerator: name,
          time: Summary(results.map(\.totalTime)),
          energy: Summary(results.map(\.totalEnergy)),
          timeByLayer: meanMap(results.map(\.timeByLayer)),
          energyByLayer: meanMap(results.map(\.energyByLayer)),
          timeByComponent: meanMap(results.map(\.timeByComponent)),
          energyByComponent: meanMap(results.map(\.energyByComponent)))
      }
      return WorkloadHardware(coordinates: key, workload: workloads[key], accelerators: summaries)
    }
  }

  /// Key-wise mean of finite values over the maps that hold the key.
  static func meanMap(_ maps: [[String: Double]]) -> [String: Double] {
    var values: [String: [Double]] = [:]
    for map in maps { for (k, v) in map { values[k, default: []].append(v) } }
    var result: [String: Double] = [:]
    for (k, v) in values { result[k] = Summary(v).mean ?? .nan }
    return result
  }
}
