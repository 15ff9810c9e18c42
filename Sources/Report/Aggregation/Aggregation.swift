/// Records of one sweep point over its seeds.
public struct SeedGroup: Codable, Hashable, Sendable {
  /// The point's coordinates without the seed, in the records' axis order.
  public var coordinates: [Coordinate]
  /// The first record's workload labels.
  public var workload: Workload?
  /// Seed values in natural order, one per record.
  public var seeds: [String]
  public var finalTestAccuracy: Summary
  public var bestTestAccuracy: Summary
  /// Per-epoch summaries of test accuracy over the seeds.
  public var testAccuracyCurve: [CurvePoint]
  /// Per-epoch summaries of test loss over the seeds.
  public var testLossCurve: [CurvePoint]
  /// Per-epoch summaries of training accuracy over the seeds.
  public var trainAccuracyCurve: [CurvePoint]
  /// Per-epoch summaries of training loss over the seeds.
  public var trainLossCurve: [CurvePoint]
  /// Per-layer spike rate over the seeds that report the layer; empty when none does.
  public var spikeRates: [String: Summary]
  /// The group's records, in seed order.
  public var records: [RunRecord]

  /// The value of `axis`, or nil when the group has no such coordinate.
  public func value(of axis: String) -> String? {
    coordinates.first { $0.axis == axis }?.value
  }

  /// `dataset=nmnist, method=sdfa`: the coordinates as a label.
  public var label: String { coordinates.map(\.description).joined(separator: ", ") }
}

/// One epoch of a learning curve: the metric's summary over the seeds that reached it.
public struct CurvePoint: Codable, Hashable, Sendable {
  public var epoch: Int
  public var summary: Summary

  public init(epoch: Int, summary: Summary) {
    self.epoch = epoch
    self.summary = summary
  }
}

extension Report {
  /// Groups records by all coordinates except `seedAxis` and summarises each group.
  ///
  /// Groups come out in order of first appearance, so a sweep's declared order survives;
  /// records inside a group are sorted by seed (natural order), which makes the output
  /// independent of the order in which runs finished.
  ///
  /// ```swift
  /// let groups = Report.aggregate(records)
  /// groups[0].finalTestAccuracy.mean   // mean over seeds
  /// ```
  public static func aggregate(_ records: [RunRecord], seedAxis: String = "seed") -> [SeedGroup] {
    var order: [[Coordinate]] = []
    var members: [[Coordinate]: [RunRecord]] = [:]
    for record in records {
      let key = record.coordinates.filter { $0.axis != seedAxis }
      if members[key] == nil { order.append(key) }
      members[key, default: []].append(record)
    }
    return order.map { key in
      let group = members[key]!.sorted { a, b in
        let x = a.value(of: seedAxis) ?? "", y = b.value(of: seedAxis) ?? ""
        return x != y ? naturalLess(x, y) : (a.provenance.date ?? "") < (b.provenance.date ?? "")
      }
      return SeedGroup(
        coordinates: key,
        workload: group.lazy.compactMap(\.workload).first,
        seeds: group.map { $0.value(of: seedAxis) ?? "" },
        finalTestAccuracy: Summary(group.map(\.finalTestAccuracy)),
        bestTestAccuracy: Summary(group.map(\.bestTestAccuracy)),
        testAccuracyCurve: curve(group, \.testAccuracy),
        testLossCurve: curve(group, \.testLoss),
        trainAccuracyCurve: curve(group, \.trainAccuracy),
        trainLossCurve: curve(group, \.trainLoss),
        spikeRates: spikeRates(group),
        records: group)
    }
  }

  /// Per-layer summaries of the records' spike rates, in seed order.
  static func spikeRates(_ records: [RunRecord]) -> [String: Summary] {
    var byLayer: [String: [Double]] = [:]
    for record in records {
      for (layer, rate) in record.spikeRates ?? [:] { byLayer[layer, default: []].append(rate) }
    }
    return byLayer.mapValues { Summary($0) }
  }

  /// Per-epoch summaries; an epoch only some seeds reached is summarised over those.
  static func curve(_ records: [RunRecord], _ metric: KeyPath<EpochMetrics, Double>) -> [CurvePoint] {
    var byEpoch: [Int: [Double]] = [:]
    for record in records {
      for e in record.epochs { byEpoch[e.epoch, default: []].append(e[keyPath: metric]) }
    }
    return byEpoch.keys.sorted().map { CurvePoint(epoch: $0, summary: Summary(byEpoch[$0]!)) }
  }
}
