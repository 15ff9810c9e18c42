import Events
import Foundation
import Pipeline
import SNN

/// A checkpoint file of either format with its tensors under our names: a safetensors file
/// as the train stage writes it, or a PyTorch `.pth` as the reference code saves it (a zip,
/// recognised by its content), whose state dict ``ReferenceStateDict`` maps onto our names.
struct CheckpointFile {
  /// The format in words.
  var format: String
  var tensors: CheckpointTensors
  /// What the file says beside its tensors, and the keys ignored.
  var details: [(key: String, value: String)]
  /// The neuron the network was trained with, where the file says (our safetensors do).
  var neuron: NeuronConfig?

  /// The safetensors metadata that describes the network (the spec's model decides that).
  /// Keys that describe the network itself (checked against the spec, not shown); `spec`, the
  /// train stage's params, is left in the file.
  private static let structuralMetadata: Set<String> = ["arch", "sizes", "neuron", "blocks", "input_shape", "linear_sizes", "voting"]

  /// The train stage's per-epoch `metrics` in one line: epochs, final and best test accuracy.
  static func summary(ofMetrics json: String) -> String {
    guard let epochs = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]],
      let last = epochs.last?["testAccuracy"] as? Double
    else { return json }
    let best = epochs.compactMap { $0["testAccuracy"] as? Double }.max() ?? last
    return String(format: "%d epoch%@, final test accuracy %.4f, best %.4f", epochs.count, epochs.count == 1 ? "" : "s", last, best)
  }

  /// Reads `url` for a model of `arch`.
  /// - Throws: ``StageFailure`` naming the file and what is wrong with it.
  init(contentsOf url: URL, arch: ModelConfig.Architecture) throws {
    let name = url.lastPathComponent
    let bytes: Data
    do { bytes = try Data(contentsOf: url) } catch {
      throw StageFailure("cannot read the checkpoint \(url.path): \(IOErrorText.describe(error))")
    }
    if TorchCheckpoint.isZip(bytes) {
      self = try Self.torch(url, arch: arch)
      return
    }
    if ["pth", "pt"].contains(url.pathExtension.lowercased()) {
      throw StageFailure("\(name): not a zip archive: PyTorch checkpoints are read in the zip format of torch ≥ 1.6 (re-save it with torch.save(obj, path, _use_new_zipfile_serialization=True))")
    }
    let decoded: (tensors: [String: Tensor], metadata: [String: String])
    do { decoded = try SafeTensors.decode(Array(bytes)) } catch {
      throw StageFailure("\(name): \(error) (checkpoints are safetensors files or PyTorch .pth zips)")
    }
    let family = arch == .mlp ? "mlp" : "conv"
    if let found = decoded.metadata["arch"], found != family {
      throw StageFailure("\(name) holds a \(found) network; the spec's model is \(arch.rawValue)")
    }
    let details = decoded.metadata.filter { !Self.structuralMetadata.contains($0.key) && $0.key != "spec" }
      .map { (key: $0.key, value: $0.key == "metrics" ? Self.summary(ofMetrics: $0.value) : $0.value) }
      .sorted { $0.key < $1.key }
    let neuron = decoded.metadata["neuron"].flatMap { try? JSONDecoder().decode(NeuronConfig.self, from: Data($0.utf8)) }
    self.init(format: "safetensors", tensors: CheckpointTensors(decoded.tensors), details: details,
              neuron: neuron)
  }

  private init(format: String, tensors: CheckpointTensors, details: [(key: String, value: String)], neuron: NeuronConfig? = nil) {
    self.format = format
    self.tensors = tensors
    self.details = details
    self.neuron = neuron
  }

  private static func torch(_ url: URL, arch: ModelConfig.Architecture) throws -> CheckpointFile {
    let checkpoint = try TorchCheckpoint(contentsOf: url)
    let entries = try checkpoint.stateDict().map { entry in
      ReferenceStateDict.Entry(key: entry.key, shape: entry.tensor.shape, dtype: entry.tensor.storage.type, values: entry.tensor.floats)
    }
    let mapped: (tensors: CheckpointTensors, ignored: [String])
    do { mapped = try ReferenceStateDict.checkpointTensors(entries, arch: arch) } catch {
      throw StageFailure("\(url.lastPathComponent): the state dict cannot be mapped onto our layers:\n" + error.problems.map { "  " + $0 }.joined(separator: "\n"))
    }
    let ignored = mapped.ignored.isEmpty ? [] : [(key: "ignored", value: mapped.ignored.joined(separator: ", "))]
    return CheckpointFile(format: "PyTorch state dict", tensors: mapped.tensors, details: checkpoint.details + ignored)
  }
}
