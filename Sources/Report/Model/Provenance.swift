/// Where a run's numbers come from.
public struct Provenance: Codable, Hashable, Sendable {
  public var specName: String
  /// Digest of the spec as run (hex SHA-256).
  public var specDigest: String
  public var data: DataKind
  /// The `sdfa` version that produced the run.
  public var toolVersion: String
  /// When the run finished, ISO 8601 (`2026-11-29` or `2026-11-29T02:13:00Z`); nil where the
  /// output must not depend on the clock (a report artifact's bytes depend only on its key,
  /// so the `report` stage leaves it out: dates belong to the index).
  public var date: String?

  public init(specName: String, specDigest: String, data: DataKind, toolVersion: String, date: String? = nil) {
    self.specName = specName
    self.specDigest = specDigest
    self.data = data
    self.toolVersion = toolVersion
    self.date = date
  }
}

/// Whether a run trained on a real dataset or on a synthetic one of the same shape.
public enum DataKind: String, Codable, Hashable, Sendable, CaseIterable {
  case real
  case synthetic
}

/// The provenance of a table or figure: the union over the records it summarises.
public struct ProvenanceSummary: Codable, Hashable, Sendable {
  /// Distinct (name, digest) pairs, sorted.
  public var specs: [Spec]
  /// Distinct data kinds, in declaration order.
  public var data: [DataKind]
  /// Distinct seed values, in natural order.
  public var seeds: [String]
  public var toolVersions: [String]
  /// Earliest and latest run date.
  public var firstDate: String?
  public var lastDate: String?

  public struct Spec: Codable, Hashable, Sendable, Comparable {
    public var name: String
    public var digest: String
    public static func < (a: Spec, b: Spec) -> Bool { (a.name, a.digest) < (b.name, b.digest) }
  }

  public init(records: [RunRecord], seedAxis: String = "seed") {
    specs = Set(records.map { Spec(name: $0.provenance.specName, digest: $0.provenance.specDigest) }).sorted()
    let kinds = Set(records.map(\.provenance.data))
    data = DataKind.allCases.filter(kinds.contains)
    seeds = Set(records.compactMap { $0.value(of: seedAxis) }).sorted(by: naturalLess)
    toolVersions = Set(records.map(\.provenance.toolVersion)).sorted(by: naturalLess)
    let dates = records.compactMap(\.provenance.date).sorted()
    firstDate = dates.first
    lastDate = dates.last
  }

  /// One line for a caption: `Data: synthetic. Spec nmnist-mlp (sha256 1a2b3c4d5e6f). Seeds 0–4 (5). sdfa 0.1.0. Run 2026-11-29.`
  public var line: String {
    var parts: [String] = []
    parts.append("Data: " + (data.isEmpty ? "none" : data.map(\.rawValue).joined(separator: " and ")))
    if !specs.isEmpty {
      let list = specs.map { "\($0.name) (sha256 \($0.digest.prefix(12)))" }.joined(separator: ", ")
      parts.append((specs.count == 1 ? "Spec " : "Specs ") + list)
    }
    if !seeds.isEmpty { parts.append("Seeds \(seedList) (\(seeds.count))") }
    if !toolVersions.isEmpty { parts.append("sdfa " + toolVersions.joined(separator: ", ")) }
    if let first = firstDate, let last = lastDate {
      parts.append(first == last ? "Run \(first)" : "Runs \(first) to \(last)")
    }
    return parts.joined(separator: ". ") + "."
  }

  /// Seeds as ranges where they are consecutive integers: `0–4, 7`.
  var seedList: String {
    let numbers = seeds.compactMap(Int.init)
    guard numbers.count == seeds.count, let first = numbers.first else {
      return seeds.joined(separator: ", ")
    }
    var ranges: [String] = []
    var start = first, end = first
    for n in numbers.dropFirst() {
      if n == end + 1 { end = n; continue }
      ranges.append(start == end ? "\(start)" : "\(start)–\(end)")
      start = n; end = n
    }
    ranges.append(start == end ? "\(start)" : "\(start)–\(end)")
    return ranges.joined(separator: ", ")
  }
}
