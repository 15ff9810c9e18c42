/// What the nodes of one stage kind share at one sweep point.
///
/// The seeds of a sweep point have configurations that differ only in `seed` (``Spec`` makes
/// them so: expansions and checks never read the seed). So a kind's params, settings, the
/// sweep axes its label shows, and the canonical encoding of its params are computed once per
/// sweep point, and each seed's node gets them with only `seed` put in (where the kind reads
/// it). At 100,000 points this replaces hundreds of thousands of nested params built leaf by
/// leaf and encoded from scratch; nodes that do not read the seed share one params value.
struct SharedNodeParts {
  /// The params at the first seed seen; ``params(seed:)`` gives another seed's.
  private let params: SpecValue
  private let encoded: EncodedObject
  private let readsSeed: Bool
  let settings: SpecValue
  /// The axes (sweep labels, and `seed`) the kind's nodes depend on, through what they read
  /// or what their producers do.
  let axes: Set<String>

  init(_ stage: any Stage, config: SpecValue, assignments: [(axis: String, value: String)], spec: Spec, consumed: [Set<String>]) {
    let reads = stage.reads(in: config)
    params = StageGraph.params(of: stage, in: config)
    encoded = EncodedObject(params)
    readsSeed = reads.contains("seed")
    settings = StageGraph.settings(of: stage, in: config)
    var axes = Set(assignments.map(\.axis).filter { axis in
      let path = axis == "seed" ? "seed" : spec.axes.first { $0.label == axis }!.path
      return reads.contains { path == $0 || path.hasPrefix($0 + ".") || $0.hasPrefix(path + ".") }
    })
    for producer in consumed { axes.formUnion(producer) }
    self.axes = axes
  }

  /// The params for a point of this sweep point with this seed.
  func params(seed: SpecValue) -> SpecValue {
    readsSeed ? params.setting("seed", to: seed) : params
  }

  /// The canonical JSON of ``params(seed:)``.
  func writeParams(seed: SpecValue, to out: inout [UInt8]) {
    guard readsSeed else { return encoded.write(to: &out) }
    var withSeed = encoded
    withSeed.set("seed", to: seed)
    withSeed.write(to: &out)
  }
}
