import Foundation

/// Lists the runs of a cache from its index alone: every spec that used the cache (the
/// `latest` table), each of its points' stage chains, their params and recorded metrics.
///
/// Reading never creates a cache. The one write is the backfill: completed stages whose
/// metrics predate the `metrics` table get them from their artifacts, once; on a cache this
/// process may not write (a read-only shared cache) they are kept in memory instead.
public struct RunCatalog: Sendable {
  public let index: StageIndex
  /// The cache directory (for the backfill's artifacts).
  public let cache: URL
  public let registry: StageRegistry
  /// The kind one run trains (`train`): a chain without it is not a run.
  public let runKind: String
  /// Backfilled metrics the index could not record (a read-only cache), by key.
  var unrecorded: [String: String] = [:]

  public init(index: StageIndex, cache: URL, registry: StageRegistry, runKind: String = "train") {
    self.index = index
    self.cache = cache
    self.registry = registry
    self.runKind = runKind
  }

  /// Reads the metrics of completed stages that have none from their artifacts (which must
  /// still be in the cache) and records them; returns how many were added.
  @discardableResult
  public mutating func backfill() throws -> Int {
    let known = try index.allMetrics()
    var added: [(key: String, kind: String, json: String)] = []
    for record in try index.doneRecords() where known[record.key] == nil {
      guard let stage = registry.stage(record.kind), let output = record.output else { continue }
      // The store's layout (ArtifactStore.artifactURL), without opening the store (which creates folders).
      let artifact = cache.appendingPathComponent("artifacts/\(output.prefix(2))/\(output)")
      guard FileManager.default.fileExists(atPath: artifact.appendingPathComponent(ArtifactStore.manifestName).path),
        let metrics = try? stage.metrics(artifact: artifact)
      else { continue }
      added.append((record.key, record.kind, metrics.canonicalJSON))
    }
    do {
      try index.insertMetrics(added)
    } catch {
      for entry in added { unrecorded[entry.key] = entry.json }
    }
    return added.count
  }

  /// Every run: by default those the specs still use; `superseded` adds completed trainings no
  /// spec points at any more (listed under the spec that ran them). `specs` limits the specs.
  public func runs(specs: Set<String>? = nil, superseded: Bool = false) throws -> [RunEntry] {
    let records = try index.doneRecords()
    let metrics = try index.allMetrics().merging(unrecorded) { recorded, _ in recorded }.compactMapValues { try? SpecValue(json: $0) }
    let byKey = Dictionary(records.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
    // Equal content gives equal digests: several records may have produced one output.
    var byOutput: [String: [Candidate]] = [:]
    for record in records.sorted(by: { $0.started < $1.started }) {
      if let o = record.output { byOutput[o, default: []].append(Candidate(record: record, label: record.label)) }
    }
    let latest = Dictionary(grouping: try index.allLatest(), by: { $0.spec })
    var entries: [RunEntry] = []
    var used = Set<String>()
    for (spec, rows) in latest where specs?.contains(spec) ?? true {
      // A record keeps the label of the spec that ran it first; this spec's label is in `latest`.
      var labels: [String: String] = [:]
      for row in rows { labels[row.key] = row.label }
      let chosen = rows.compactMap { byKey[$0.key] }
      let perSpec = chosen.filter { registry.stage($0.kind)?.scope == .perSpec }
      let perPoint = chosen.filter { registry.stage($0.kind)?.scope != .perSpec }
      let consumed = Set(perPoint.flatMap { Self.inputs($0).values })
      let digest = perSpec.first.map { Digest.sha256($0.params) }
      // This spec's own records (with its labels) come first.
      var local = byOutput
      for record in perPoint.reversed() {
        if let o = record.output { local[o, default: []].insert(Candidate(record: record, label: labels[record.key] ?? record.label), at: 0) }
      }
      for leaf in perPoint where !consumed.contains(leaf.output ?? "") {
        let chain = Self.chain(Candidate(record: leaf, label: labels[leaf.key] ?? leaf.label), byOutput: local)
        guard let run = chain.first(where: { $0.kind == runKind }) else { continue }
        used.insert(run.key)
        entries.append(entry(spec: spec, label: labels[leaf.key] ?? leaf.label, run: run, chain: chain, metrics: metrics,
                             current: true, specDigest: digest))
      }
    }
    if superseded {
      for record in records where record.kind == runKind && !used.contains(record.key) && (specs?.contains(record.spec) ?? true) {
        let chain = Self.chain(Candidate(record: record, label: record.label), byOutput: byOutput)
        entries.append(entry(spec: record.spec, label: record.label, run: record, chain: chain, metrics: metrics, current: false, specDigest: nil))
      }
    }
    return entries.sorted(by: Self.order)
  }

  private func entry(
    spec: String, label: String, run: StageIndex.Record, chain: [StageIndex.Record],
    metrics: [String: SpecValue], current: Bool, specDigest: String?
  ) -> RunEntry {
    var params: [String: SpecValue] = [:], keys: [String: String] = [:], recorded: [String: SpecValue] = [:]
    for record in chain {
      keys[record.kind] = record.key
      if let value = try? SpecValue(json: record.params) { params.merge(RunEntry.flatten(value)) { a, _ in a } }
      if let m = metrics[record.key] { recorded[record.kind] = m }
    }
    let coordinates = Self.coordinates(of: label)
    return RunEntry(
      spec: spec, point: coordinates.map { "\($0.axis)=\($0.value)" }.joined(separator: "/"), coordinates: coordinates,
      key: run.key, keys: keys, params: params, metrics: recorded, started: run.started, finished: run.finished,
      current: current, specDigest: specDigest)
  }

  /// A stage's input digests by role.
  static func inputs(_ record: StageIndex.Record) -> [String: String] {
    (try? SpecValue(json: record.inputs))?.objectValue?.compactMapValues(\.stringValue) ?? [:]
  }

  /// The record and every record upstream of it, downstream first.
  /// A record under the label a spec gave it.
  struct Candidate {
    var record: StageIndex.Record
    var label: String
  }

  /// The record and every record upstream of it, downstream first. An input digest that
  /// several records produced resolves to the one of the input's kind whose coordinates are
  /// among the leaf's (an upstream stage depends on a subset of its consumer's axes).
  static func chain(_ leaf: Candidate, byOutput: [String: [Candidate]]) -> [StageIndex.Record] {
    let leafCoordinates = Set(coordinates(of: leaf.label))
    var result: [StageIndex.Record] = [], seen = Set<String>(), queue = [leaf.record]
    while !queue.isEmpty {
      let record = queue.removeFirst()
      guard seen.insert(record.key).inserted else { continue }
      result.append(record)
      for (role, digest) in inputs(record).sorted(by: { $0.key < $1.key }) {
        let options = (byOutput[digest] ?? []).filter { $0.record.kind == role }
        let chosen = options.first { Set(coordinates(of: $0.label)).isSubset(of: leafCoordinates) } ?? options.first
        if let chosen { queue.append(chosen.record) }
      }
    }
    return result
  }

  /// `energy tau=2/method=bp/seed=0` → [(tau, 2), (method, bp), (seed, 0)].
  public static func coordinates(of label: String) -> [RunEntry.Coordinate] {
    guard let space = label.firstIndex(of: " ") else { return [] }
    return label[label.index(after: space)...].split(separator: "/").compactMap { (part: Substring) -> RunEntry.Coordinate? in
      let pair = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
      return pair.count == 2 ? RunEntry.Coordinate(String(pair[0]), String(pair[1])) : nil
    }
  }

  /// By spec, then coordinate by coordinate (numbers numerically), then key.
  static func order(_ a: RunEntry, _ b: RunEntry) -> Bool {
    if a.spec != b.spec { return a.spec < b.spec }
    for (x, y) in zip(a.coordinates, b.coordinates) where x != y {
      if x.axis != y.axis { return x.axis < y.axis }
      if let u = Double(x.value), let v = Double(y.value) { return u < v }
      return x.value < y.value
    }
    if a.coordinates.count != b.coordinates.count { return a.coordinates.count < b.coordinates.count }
    return a.key < b.key
  }
}
