import Foundation

/// Everything needed to execute one stage against a cache, without its spec: what the
/// scheduler writes to `jobs/<key>.json` before submitting it, and what `sdfa exec` reads.
public struct StageJob: Sendable, Codable, Equatable {
  public var key: String
  public var kind: String
  public var version: Int
  /// The stage's params (encoded as their canonical JSON text).
  public var params: SpecValue
  /// The stage's settings (threads, a data folder's location): passed to the stage, not in
  /// the key (encoded as canonical JSON text).
  public var settings: SpecValue
  /// Input artifact digests by role, and the roles in graph order.
  public var inputs: [String: String]
  public var inputOrder: [String]
  public var label: String
  public var spec: String
  /// CPU threads the stage declares for these params (over all its processes).
  public var threads: Int
  /// Processes the stage spreads over (MPI ranks; 1 for most stages).
  public var ranks: Int
  /// Run even when the index already has the key (`--force`).
  public var forced: Bool

  public init(
    key: String, kind: String, version: Int, params: SpecValue, settings: SpecValue = .object([:]),
    inputs: [String: String], inputOrder: [String], label: String, spec: String, threads: Int, forced: Bool,
    ranks: Int = 1
  ) {
    self.ranks = ranks
    self.key = key
    self.kind = kind
    self.version = version
    self.params = params
    self.settings = settings
    self.inputs = inputs
    self.inputOrder = inputOrder
    self.label = label
    self.spec = spec
    self.threads = threads
    self.forced = forced
  }

  private enum CodingKeys: String, CodingKey {
    case key, kind, version, params, settings, inputs, inputOrder = "input_order", label, spec, threads, forced, ranks
  }

  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    key = try c.decode(String.self, forKey: .key)
    kind = try c.decode(String.self, forKey: .kind)
    version = try c.decode(Int.self, forKey: .version)
    params = try SpecValue(json: c.decode(String.self, forKey: .params))
    settings = try c.decodeIfPresent(String.self, forKey: .settings).map(SpecValue.init(json:)) ?? .object([:])
    inputs = try c.decode([String: String].self, forKey: .inputs)
    inputOrder = try c.decode([String].self, forKey: .inputOrder)
    label = try c.decode(String.self, forKey: .label)
    spec = try c.decode(String.self, forKey: .spec)
    threads = try c.decode(Int.self, forKey: .threads)
    forced = try c.decodeIfPresent(Bool.self, forKey: .forced) ?? false
    ranks = try c.decodeIfPresent(Int.self, forKey: .ranks) ?? 1
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(key, forKey: .key)
    try c.encode(kind, forKey: .kind)
    try c.encode(version, forKey: .version)
    try c.encode(params.canonicalJSON, forKey: .params)
    try c.encode(settings.canonicalJSON, forKey: .settings)
    try c.encode(inputs, forKey: .inputs)
    try c.encode(inputOrder, forKey: .inputOrder)
    try c.encode(label, forKey: .label)
    try c.encode(spec, forKey: .spec)
    try c.encode(threads, forKey: .threads)
    try c.encode(forced, forKey: .forced)
    if ranks != 1 { try c.encode(ranks, forKey: .ranks) }
  }
}

/// How executing one stage ended: an outcome, or a corrupt input (moved aside; its producer
/// must run again before this stage can).
public enum ExecutionResult: Sendable, Equatable {
  case outcome(NodeOutcome)
  case corruptInput(digest: String, reason: String)
}
