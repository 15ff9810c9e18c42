import Foundation
import Pipeline

extension ReferenceConfig {
  /// The spec's name: the dataset kind and the config's file name (`shd-mlpb` from
  /// `conf/SHD/mlpb.yml`), since the reference code names its configs per dataset folder.
  public var specName: String {
    let base = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
    let kind = dataset.kind
    let lowered = base.lowercased()
    if lowered.hasPrefix(kind) || lowered.hasPrefix(dataset.rawValue.lowercased()) { return base }
    return "\(kind)-\(base)"
  }

  /// `net` as a spec's `model.arch`.
  public var architecture: String {
    switch net {
    case "conv": "convnet"
    case "vgg": "vgg11"
    default: "mlp"
    }
  }

  /// Hidden layer widths of an MLP: `num_layers` counts the fully connected layers with the
  /// output layer, all hidden ones `hidden_dim` wide.
  public var hiddenWidths: [Int] { Array(repeating: hiddenWidth, count: max(layerCount - 1, 1)) }

  /// `loss_func` as a spec's `train.loss`.
  public var specLoss: String { loss == "cross" ? "cross_entropy" : "mse" }

  /// `dataset.root`: the folder under `data_dir` that the reference code's loader reads
  /// (`~` becomes `${HOME}`), or `${SDFA_DATA:-data}/<kind>` without a `data_dir`.
  public var datasetRoot: String {
    guard let directory = dataDirectory, !directory.isEmpty else { return "${SDFA_DATA:-data}/\(dataset.kind)" }
    var root = directory.replacingOccurrences(of: "$", with: "$$")
    if root == "~" || root.hasPrefix("~/") { root = "${HOME}" + root.dropFirst() }
    return (root.hasSuffix("/") ? root : root + "/") + dataset.folder
  }

  /// The `frames` section: spikingjelly's `split_by: number` for cameras, SpyTorch's
  /// digitize over 1.4 s for SHD, and for Braille one frame per step of the data (the
  /// reference code ignores T there and feeds the 152 upsampled steps).
  var framesFlow: String {
    switch dataset {
    case .shd: "{T: \(timeSteps), split_by: digitize, max_time: 1.4}"
    case .BrailleLetter: "{T: 152, split_by: duration, duration: 1}"
    default: "{T: \(timeSteps), split_by: number}"
    }
  }

  /// What the conversion leaves out or decides, one line each.
  public var notes: [String] {
    var notes: [String] = []
    let derived = ["input_dim", "classes"].filter(given.contains)
    if !derived.isEmpty {
      let listed = derived.map { "\($0): \(values[$0]?.intValue ?? 0)" }.joined(separator: ", ")
      notes.append("\(listed): sdfa sizes the input and output layers from the dataset's files")
    }
    if dataset == .BrailleLetter {
      notes.append("T: \(timeSteps) is unused for BrailleLetter: the reference code feeds the data's 152 upsampled steps, one per time step")
    }
    if net != "fc" {
      let unused = ["hidden_dim", "num_layers"].filter(given.contains)
      if !unused.isEmpty { notes.append("\(unused.joined(separator: ", ")) unused by net: \(net)") }
    } else if given.contains("channels") {
      notes.append("channels unused by net: fc")
    }
    if neuronType == "if", given.contains("tau") { notes.append("tau unused by IF neurons") }
    if optimizer != "sgd", given.contains("momentum") {
      notes.append("momentum unused by \(optimizer) (the reference code passes it to SGD only)")
    }
    if optimizer == "sgd", weightDecay != 0 {
      notes.append("weight_decay \(Self.number(weightDecay)) unused by sgd (the reference code passes it to Adam and AdamW only): weight_decay 0")
    }
    if dataset == .ncaltech {
      notes.append("N-Caltech101 has no official split: sdfa's seeded 80/20 split per class replaces the reference code's torch random_split")
    }
    if dataDirectory == nil { notes.append("data_dir not set: dataset.root is \(datasetRoot)") }
    if let directory = dataDirectory, !directory.isEmpty, !directory.hasPrefix("/"), !directory.hasPrefix("~") {
      notes.append("data_dir '\(directory)' is relative: the reference code reads it from the folder it runs in, a spec from "
        + "the spec's own folder (dataset.root \(datasetRoot)); write an absolute data_dir if the spec lives elsewhere")
    }
    let defaulted = relevantKeys.filter { !given.contains($0) && values[$0] != nil }
    if !defaulted.isEmpty {
      notes.append("not set, so the reference code's defaults: " + defaulted.map { "\($0) \(describe($0))" }.joined(separator: ", "))
    }
    return notes
  }

  /// The keys that change this run (those of the other networks, neurons and optimizers do not).
  var relevantKeys: [String] {
    Self.keys.map(\.name).filter { key in
      switch key {
      case "data_dir", "input_dim", "classes": false
      case "hidden_dim", "num_layers": net == "fc"
      case "channels": net != "fc"
      case "tau": neuronType == "lif"
      case "momentum": optimizer == "sgd"
      case "weight_decay": optimizer != "sgd"
      case "T": dataset != .BrailleLetter
      default: true
      }
    }
  }

  /// The spec as YAML text, headed by comments that name the source config, the ignored
  /// run-environment keys and the notes.
  public var specText: String {
    var lines = [
      "# Imported by `sdfa import` from \(file), a flat config of the reference code",
      "# (train.py of the paper). Keys it does not set take the reference code's defaults.",
    ]
    lines.append("# Ignored (run environment): " + (ignored.isEmpty ? "none" : ignored.joined(separator: ", ")))
    for note in notes { lines.append("# Note: \(note)") }
    lines += [
      "name: \(Self.quoted(specName))",
      "seeds: 1",
      "dataset: {kind: \(dataset.kind), root: \(Self.quoted(datasetRoot))}",
      "frames: \(framesFlow)",
      "model:",
      "  arch: \(architecture)",
    ]
    if architecture == "mlp" {
      lines.append("  hidden: [\(hiddenWidths.map(String.init).joined(separator: ", "))]")
    } else {
      lines.append("  channels: \(channels)")
    }
    var neuron = "type: \(neuronType)"
    if neuronType == "lif" { neuron += ", tau: \(Self.number(tau))" }
    neuron += ", v_threshold: \(Self.number(vThreshold))"
    var optimizerFlow = "type: \(optimizer), lr: \(Self.number(learningRate))"
    optimizerFlow += optimizer == "sgd" ? ", momentum: \(Self.number(momentum))" : ", weight_decay: \(Self.number(weightDecay))"
    lines += [
      "  neuron: {\(neuron)}",
      "train:",
      "  method: \(method)",
      "  epochs: \(epochs)",
      "  batch_size: \(batchSize)",
    ]
    // The reference's training DataLoader drops the last partial batch (module/dataloader.py);
    // SHD's own loader (module/dataloader_shd.py) keeps it.
    if dataset != .shd { lines.append("  drop_last: true") }
    lines += [
      "  optimizer: {\(optimizerFlow)}",
      "  schedule: cosine",
      "  loss: \(specLoss)",
      "hardware: {technology: rram-32nm}",
    ]
    return lines.joined(separator: "\n") + "\n"
  }

  /// A number as YAML: integers bare, other values with a fraction or an exponent.
  static func number(_ value: Double) -> String {
    if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) + (value == 0 ? "" : ".0") }
    return "\(value)"
  }

  /// A key's value as the config would write it (`T 20`, `tau 2.0`, `optim adam`).
  func describe(_ key: String) -> String {
    guard let value = values[key] else { return "none" }
    if let d = value.doubleValue {
      if case .number? = Self.keys.first(where: { $0.name == key })?.schema { return Self.number(d) }
      return value.intValue.map(String.init) ?? Self.number(d)
    }
    return value.stringValue ?? value.canonicalJSON
  }

  /// A double-quoted YAML string (the spec loader still expands `${…}` inside it).
  static func quoted(_ text: String) -> String {
    let plain = text.allSatisfy { $0.isLetter || $0.isNumber || "-_./".contains($0) } && !text.isEmpty
    if plain { return text }
    return "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
  }
}
