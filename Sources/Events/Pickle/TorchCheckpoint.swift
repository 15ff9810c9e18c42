import Foundation
import ZIPFoundation

/// A PyTorch checkpoint as `torch.save` writes it since torch 1.6: a zip holding
/// `<name>/data.pkl` (the pickled object), `<name>/data/<key>` (each storage's raw
/// little-endian bytes), `<name>/version` and possibly `<name>/byteorder`. The pickle is read by
/// ``RestrictedUnpickler`` with the ``RestrictedUnpickler/AllowList/torch(storage:)`` allow-list, so a
/// checkpoint can build dicts, lists, numbers and tensors and call nothing else.
///
/// ```swift
/// let checkpoint = try TorchCheckpoint(contentsOf: URL(fileURLWithPath: "model.pth"))
/// for entry in try checkpoint.stateDict() { print(entry.key, entry.tensor.shape) }
/// ```
public struct TorchCheckpoint {
  /// One entry of a state dict.
  public struct StateDictEntry {
    public var key: String
    public var tensor: RestrictedUnpickler.TorchTensor
  }

  /// The file's name, for messages.
  public let file: String
  /// The unpickled object (`{'net': state_dict, 'epoch': …}` as the reference code saves it).
  public let root: RestrictedUnpickler.Value

  /// Whether `bytes` start like a zip archive (`PK\3\4`), as `torch.save`'s files do.
  public static func isZip(_ bytes: some Collection<UInt8>) -> Bool { bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) }

  /// Reads the archive at `url` and unpickles its `data.pkl`.
  /// - Throws: ``EventsError`` for an unreadable archive, a member whose bytes differ from the
  ///   archive's CRC-32 (``ZipMember``), a missing `data.pkl`, a big-endian file, a refused
  ///   pickle or a storage shorter than the pickle says.
  public init(contentsOf url: URL) throws {
    file = url.lastPathComponent
    let archive: Archive
    do {
      archive = try Archive(url: url, accessMode: .read)
    } catch {
      throw EventsError(file: file, "not a readable zip archive (truncated or not written by torch.save): \(error)")
    }
    let pickles = archive.filter { $0.type == .file && $0.path.hasSuffix("data.pkl") && $0.path.split(separator: "/").count == 2 }
    guard let pickle = pickles.first else {
      throw EventsError(file: file, "no <name>/data.pkl in the archive: not a checkpoint written by torch.save")
    }
    let prefix = String(pickle.path.dropLast("data.pkl".count))
    let name = file
    func read(_ entry: Entry) throws -> [UInt8] { try ZipMember.read(entry, from: archive, name: "\(name)/\(entry.path)") }
    if let order = archive[prefix + "byteorder"] {
      let text = String(decoding: try read(order), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
      guard text == "little" else { throw EventsError(file: "\(file)/\(order.path)", "byte order '\(text)': only little-endian checkpoints are supported") }
    }
    let allowList = RestrictedUnpickler.AllowList.torch { key throws(RestrictedUnpickler.Refusal) in
      guard let entry = archive[prefix + "data/" + key] else {
        throw RestrictedUnpickler.Refusal("storage data/\(key) is missing from the archive")
      }
      do { return try read(entry) } catch { throw RestrictedUnpickler.Refusal("storage data/\(key): \(error)") }
    }
    root = try RestrictedUnpickler.load(try read(pickle), file: "\(file)/\(pickle.path)", allowing: allowList)
  }

  /// The model's state dict, in file order: `root['net']` as the reference code saves it, or
  /// the root itself when it is a bare state dict (every value a tensor).
  /// - Throws: ``EventsError`` when neither is there, naming the keys found.
  public func stateDict() throws -> [StateDictEntry] {
    guard case .dict(let top) = root else { throw EventsError(file: file, "the checkpoint holds a \(root.typeName), not a dict") }
    var dict = top
    if let net = top.pairs.first(where: { if case .string("net") = $0.key { true } else { false } }) {
      guard case .dict(let d) = net.value else { throw EventsError(file: file, "'net' is a \(net.value.typeName), not a state dict") }
      dict = d
    }
    var entries: [StateDictEntry] = []
    for (key, value) in dict.pairs {
      guard case .string(let name) = key, case .object(let object) = value, let tensor = object as? RestrictedUnpickler.TorchTensor else {
        let keys = top.pairs.compactMap { if case .string(let s) = $0.key { "'\(s)'" } else { nil } }
        throw EventsError(file: file, "neither a state dict nor a dict with one under 'net' (found \(value.typeName) under \(key.typeName == "str" ? "a key" : key.typeName); top-level keys: \(keys.prefix(8).joined(separator: ", ")))")
      }
      entries.append(StateDictEntry(key: name, tensor: tensor))
    }
    return entries
  }

  /// The top-level entries beside the state dict that are plain numbers or strings
  /// (`epoch`, `max_test_acc`), as text.
  public var details: [(key: String, value: String)] {
    guard case .dict(let top) = root else { return [] }
    return top.pairs.compactMap { pair in
      guard case .string(let key) = pair.key else { return nil }
      switch pair.value {
      case .int(let n): return (key, String(n))
      case .float(let x): return (key, String(x))
      case .string(let s): return (key, s)
      case .bool(let b): return (key, b ? "True" : "False")
      default: return nil
      }
    }
  }
}
