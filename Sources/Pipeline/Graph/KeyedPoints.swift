/// The `points` a per-spec stage reads: each sweep point × seed with its id, its coordinates
/// and its keyed configuration (every leaf one of its stages reads, never a setting).
///
/// The seeds of a sweep point differ only in `seed`, so the keyed configuration is merged and
/// encoded once per sweep point and shared; the per-spec stage's identity then streams the
/// list's canonical JSON from those encodings instead of encoding 100,000 configurations.
struct KeyedPoints {
  /// The list as the stage's params hold it.
  let value: SpecValue
  /// Per point: its sweep point's index in `keyed`.
  private let sweepPoints: [Int]
  private let keyed: [(encoded: EncodedObject, hasSeed: Bool)]

  init(_ pointNodes: [(point: SweepPoint, nodes: [String: Int])], nodes: [StageGraph.Node]) {
    var indexOf: [String: Int] = [:]
    var merged: [SpecValue] = []
    var keyed: [(encoded: EncodedObject, hasSeed: Bool)] = []
    var list: [SpecValue] = []
    var sweepPoints: [Int] = []
    list.reserveCapacity(pointNodes.count)
    sweepPoints.reserveCapacity(pointNodes.count)
    for (point, kinds) in pointNodes {
      let label = point.assignments.filter { $0.axis != "seed" }.map { "\($0.axis)=\($0.value)" }.joined(separator: "/")
      let i: Int
      if let known = indexOf[label] {
        i = known
      } else {
        let config = kinds.values.sorted().reduce(SpecValue.object([:])) { $0.merging(nodes[$1].params) }
        i = merged.count
        indexOf[label] = i
        merged.append(config)
        keyed.append((EncodedObject(config), config[path: "seed"] != nil))
      }
      let config = keyed[i].hasSeed ? merged[i].setting("seed", to: point.seedValue) : merged[i]
      list.append(.object([
        "id": .string(point.id), "config": config,
        "coordinates": .list(point.assignments.map { .list([.string($0.axis), .string($0.value)]) }),
      ]))
      sweepPoints.append(i)
    }
    value = .list(list)
    self.sweepPoints = sweepPoints
    self.keyed = keyed
  }

  /// Appends the canonical JSON of `params`, a per-spec stage's params holding ``value`` at
  /// `points` (as ``StageGraph/params(of:in:)`` copies it), writing the list from the shared
  /// encodings; `flush` is called between points, to hash and empty `out`.
  func write(_ params: SpecValue, to out: inout [UInt8], flush: (inout [UInt8]) -> Void) {
    guard case .object(var fields) = params, case .list(let list)? = fields.removeValue(forKey: "points"),
      list.count == sweepPoints.count
    else { return withoutActuallyEscaping(flush) { SpecValue.write(params, to: &out, flush: $0) } }
    EncodedObject(.object(fields)).write(to: &out, with: "points") { out in
      out.append(UInt8(ascii: "["))
      for (i, item) in list.enumerated() {
        if i > 0 { out.append(UInt8(ascii: ",")) }
        guard case .object(var point) = item, let config = point.removeValue(forKey: "config") else {
          SpecValue.write(item, to: &out)
          continue
        }
        let shared = keyed[sweepPoints[i]]
        var entry = EncodedObject(.object(point))
        entry.set("config") { out in
          guard shared.hasSeed else { return shared.encoded.write(to: &out) }
          var withSeed = shared.encoded
          withSeed.set("seed", to: config[path: "seed"] ?? .null)
          withSeed.write(to: &out)
        }
        entry.write(to: &out)
        flush(&out)
      }
      out.append(UInt8(ascii: "]"))
    }
  }
}
