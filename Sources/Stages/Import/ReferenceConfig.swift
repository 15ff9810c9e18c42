import Pipeline

/// One of the reference code's flat YAML configs (the PyTorch + spikingjelly `train.py` of
/// "When Pipelined In-Memory Accelerators Meet Spiking Direct Feedback Alignment", one file
/// per run under `conf/<dataset>/`), read and checked, with the reference code's defaults
/// filled in for the keys it does not set.
///
/// ```swift
/// let (node, _) = try SpecLoader().load("conf/NMNIST/mlpb.yml")
/// let config = try ReferenceConfig(node, file: "conf/NMNIST/mlpb.yml")
/// print(config.specText)          // the same run as an sdfa spec
/// ```
public struct ReferenceConfig: Sendable {
  /// A key of the reference schema: its type, the reference code's default, and where it
  /// goes in a spec.
  struct Key: Sendable {
    var name: String
    var schema: Schema
    var defaultValue: SpecValue?
    var target: String
    init(_ name: String, _ schema: Schema, default defaultValue: SpecValue? = nil, to target: String) {
      self.name = name
      self.schema = schema
      self.defaultValue = defaultValue
      self.target = target
    }
  }

  /// Every key `train.py` reads, with the defaults of its argument parser.
  static let keys: [Key] = [
    Key("dataset", .choice(Dataset.allCases.map(\.rawValue)), default: "nmnist", to: "dataset.kind"),
    Key("data_dir", .string, to: "dataset.root"),
    Key("T", .positiveInteger, default: 20, to: "frames.T"),
    Key("tau", .number(min: 1), default: 2.0, to: "model.neuron.tau"),
    Key("v_threshold", .positiveNumber, default: 1.0, to: "model.neuron.v_threshold"),
    Key("input_dim", .positiveInteger, to: "the dataset's feature count"),
    Key("hidden_dim", .positiveInteger, default: 1000, to: "model.hidden"),
    Key("classes", .positiveInteger, to: "the dataset's class count"),
    Key("net", .choice(["fc", "conv", "vgg"]), default: "fc", to: "model.arch"),
    Key("num_layers", .integer(min: 2), default: 2, to: "model.hidden"),
    Key("channels", .positiveInteger, default: 128, to: "model.channels"),
    Key("neuron_type", .choice(["lif", "if"]), default: "lif", to: "model.neuron.type"),
    Key("batch_size", .positiveInteger, default: 64, to: "train.batch_size"),
    Key("epochs", .positiveInteger, default: 20, to: "train.epochs"),
    Key("optim", .choice(["sgd", "adam", "adamw"]), default: "adam", to: "train.optimizer.type"),
    Key("momentum", .number(min: 0, max: 1), default: 0.9, to: "train.optimizer.momentum"),
    Key("weight_decay", .number(min: 0), default: 0, to: "train.optimizer.weight_decay"),
    Key("lr", .positiveNumber, default: 1.0e-3, to: "train.optimizer.lr"),
    Key("training_method", .choice(["bp", "sdfa", "shallow"]), default: "bp", to: "train.method"),
    Key("loss_func", .choice(["mse", "cross"]), default: "cross", to: "train.loss"),
  ]

  /// Keys about where and how the reference code ran, which change no result: accepted and
  /// ignored, with a note.
  public static let ignoredKeys = ["device", "num_workers", "out_dir", "resume", "use_cupy", "amp", "model_path"]

  /// The reference code's dataset names and the dataset kinds they are.
  public enum Dataset: String, CaseIterable, Sendable {
    case nmnist, dvs, ncaltech, shd, BrailleLetter

    /// The `dataset.kind` of a spec.
    public var kind: String {
      switch self {
      case .nmnist: "nmnist"
      case .dvs: "dvsgesture"
      case .ncaltech: "ncaltech101"
      case .shd: "shd"
      case .BrailleLetter: "braille"
      }
    }

    /// The folder under `data_dir` where the reference code's loaders look.
    var folder: String {
      switch self {
      case .nmnist: "nmnist"
      case .dvs: "dvs"
      case .ncaltech: "caltech101"
      case .shd: "hdspikes"
      case .BrailleLetter: "braille"
      }
    }
  }

  /// The file the config came from, as the user named it.
  public var file: String
  /// Every key of the reference schema, as the config sets it or as the reference defaults it
  /// (`data_dir`, `input_dim` and `classes` have no default and may be absent).
  public var values: [String: SpecValue]
  /// The keys the config sets (the rest took the reference code's defaults).
  public var given: Set<String>
  /// The run-environment keys the config sets, in file order.
  public var ignored: [String]

  /// Reads a config's node tree (from `SpecLoader`). Throws every problem at once: unknown
  /// keys (with the nearest valid one), wrong types and values out of range, each with its
  /// file, line and column.
  public init(_ node: SpecNode, file: String) throws(SpecErrors) {
    guard case .mapping(let entries) = node.kind else {
      throw SpecErrors([SpecError(node.location, "a reference config must be a mapping of keys, found \(Self.shape(node))",
                                  hint: "start the file with keys such as 'dataset: nmnist'")])
    }
    var errors: [SpecError] = []
    var values: [String: SpecValue] = [:], given = Set<String>(), ignored: [String] = []
    for entry in entries {
      if Self.ignoredKeys.contains(entry.key) {
        ignored.append(entry.key)
        continue
      }
      guard let key = Self.keys.first(where: { $0.name == entry.key }) else {
        errors.append(Self.unknownKey(entry.key, at: entry.keyLocation))
        continue
      }
      // An empty value (`data_dir:`) leaves the key unset, as argparse's None does.
      if Self.isNull(entry.value) { continue }
      given.insert(key.name)
      values[key.name] = key.schema.validate(entry.value, path: key.name, errors: &errors)
    }
    if !errors.isEmpty { throw SpecErrors(errors) }
    for key in Self.keys where values[key.name] == nil {
      if let value = key.defaultValue { values[key.name] = value }
    }
    self.file = file
    self.values = values
    self.given = given
    self.ignored = ignored
  }

  /// Names users reach for that are far, by spelling, from the reference code's own.
  static let aliases = [
    "learning_rate": "lr", "optimizer": "optim", "method": "training_method", "loss": "loss_func",
    "neuron": "neuron_type", "layers": "num_layers", "timesteps": "T", "time_steps": "T", "hidden": "hidden_dim",
    "batch": "batch_size", "data_path": "data_dir", "num_classes": "classes",
  ]

  static func unknownKey(_ name: String, at location: SourceLocation) -> SpecError {
    let valid = keys.map(\.name) + ignoredKeys
    if let suggestion = aliases[name] ?? nearest(name, in: valid) {
      return SpecError(location, "unknown key '\(name)' in a reference config; did you mean '\(suggestion)'?",
                       hint: "rename it to '\(suggestion)'")
    }
    return SpecError(location, "unknown key '\(name)' in a reference config",
                     hint: "valid keys: \(keys.map(\.name).joined(separator: ", ")); ignored: \(ignoredKeys.joined(separator: ", "))")
  }

  static func isNull(_ node: SpecNode) -> Bool {
    guard case .scalar(let text, true) = node.kind else { return false }
    return ["", "~", "null", "Null", "NULL"].contains(text)
  }

  static func shape(_ node: SpecNode) -> String {
    switch node.kind {
    case .scalar(let text, _): text.isEmpty ? "nothing" : "'\(text)'"
    case .mapping: "a mapping"
    case .sequence: "a list"
    }
  }

  // MARK: Typed values

  public var dataset: Dataset { Dataset(rawValue: values["dataset"]?.stringValue ?? "") ?? .nmnist }
  public var dataDirectory: String? { values["data_dir"]?.stringValue }
  public var timeSteps: Int { int("T") }
  public var tau: Double { values["tau"]?.doubleValue ?? 2 }
  public var vThreshold: Double { values["v_threshold"]?.doubleValue ?? 1 }
  public var hiddenWidth: Int { int("hidden_dim") }
  /// Fully connected layers of `net: fc`, the output layer included.
  public var layerCount: Int { int("num_layers") }
  public var channels: Int { int("channels") }
  public var net: String { values["net"]?.stringValue ?? "fc" }
  public var neuronType: String { values["neuron_type"]?.stringValue ?? "lif" }
  public var batchSize: Int { int("batch_size") }
  public var epochs: Int { int("epochs") }
  public var optimizer: String { values["optim"]?.stringValue ?? "adam" }
  public var momentum: Double { values["momentum"]?.doubleValue ?? 0.9 }
  public var weightDecay: Double { values["weight_decay"]?.doubleValue ?? 0 }
  public var learningRate: Double { values["lr"]?.doubleValue ?? 1e-3 }
  public var method: String { values["training_method"]?.stringValue ?? "bp" }
  public var loss: String { values["loss_func"]?.stringValue ?? "cross" }

  private func int(_ key: String) -> Int { values[key]?.intValue ?? Self.keys.first { $0.name == key }?.defaultValue?.intValue ?? 0 }
}
