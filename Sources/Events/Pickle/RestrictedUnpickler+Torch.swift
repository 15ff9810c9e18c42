extension RestrictedUnpickler {
  /// The raw bytes of one storage of a PyTorch checkpoint (`<archive>/data/<key>`).
  public final class TorchStorage {
    /// The storage class the pickle names (`torch.FloatStorage`).
    public let type: String
    public let key: String
    /// Elements (not bytes).
    public let count: Int
    /// Little-endian elements, at least `count` of them.
    let bytes: [UInt8]

    init(type: String, key: String, count: Int, bytes: [UInt8]) {
      self.type = type
      self.key = key
      self.count = count
      self.bytes = bytes
    }
  }

  /// A tensor as `torch._utils._rebuild_tensor_v2` describes it: a strided view of a storage.
  public final class TorchTensor {
    public let storage: TorchStorage
    /// In elements.
    public let offset: Int
    public let shape: [Int]
    /// In elements, per dimension.
    public let strides: [Int]

    init(storage: TorchStorage, offset: Int, shape: [Int], strides: [Int]) {
      self.storage = storage
      self.offset = offset
      self.shape = shape
      self.strides = strides
    }

    /// The elements in C order, or nil unless the storage holds float32.
    public var floats: [Float]? {
      guard storage.type == "torch.FloatStorage" else { return nil }
      let count = shape.reduce(1, *)
      var out = [Float](repeating: 0, count: count)
      var index = [Int](repeating: 0, count: shape.count)
      storage.bytes.withUnsafeBytes { raw in
        for i in 0..<count {
          let element = zip(index, strides).reduce(offset) { $0 + $1.0 * $1.1 }
          out[i] = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * element, as: UInt32.self)))
          var d = shape.count - 1
          while d >= 0 {
            index[d] += 1
            if index[d] < shape[d] { break }
            index[d] = 0
            d -= 1
          }
        }
      }
      return out
    }
  }

  /// The most elements a tensor view may have beyond its storage's own count (views with
  /// zero strides repeat elements): 2^24 floats are 64 MiB. State dicts hold no such views;
  /// a hostile file with size `[10^6, 10^6]` and strides `[0, 0]` would ask for 4 TB.
  public static let maximumViewElements = 1 << 24

  /// Storage classes of `torch.save` and their element sizes in bytes.
  public static let torchStorageTypes: [String: Int] = [
    "torch.FloatStorage": 4, "torch.DoubleStorage": 8, "torch.HalfStorage": 2, "torch.BFloat16Storage": 2,
    "torch.LongStorage": 8, "torch.IntStorage": 4, "torch.ShortStorage": 2, "torch.CharStorage": 1,
    "torch.ByteStorage": 1, "torch.BoolStorage": 1,
  ]

}

extension RestrictedUnpickler.AllowList {
  public typealias Refusal = RestrictedUnpickler.Refusal

  /// What `torch.save`'s pickles of state dicts (and optimizer states) need: `OrderedDict`,
  /// `_rebuild_tensor_v2`, `_rebuild_parameter` and the storage classes, with persistent ids
  /// `('storage', type, key, location, numel)` resolved by `storage(key)`, which returns the
  /// storage's raw bytes.
  public static func torch(storage: @escaping (_ key: String) throws(Refusal) -> [UInt8]) -> Self {
    var loaded: [String: RestrictedUnpickler.TorchStorage] = [:]
    return Self(
      summary: "collections.OrderedDict, torch._utils._rebuild_tensor_v2, torch._utils._rebuild_parameter and torch's storage classes",
      globals: Set(["collections.OrderedDict", "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_parameter"])
        .union(RestrictedUnpickler.torchStorageTypes.keys),
      reduce: RestrictedUnpickler.reduceTorch, build: RestrictedUnpickler.buildTorch,
      persistentLoad: { pid throws(Refusal) in
        guard case .tuple(let t) = pid, t.count == 5, case .string("storage") = t[0], case .global(let type) = t[1],
          case .string(let key) = t[2], case .int(let count) = t[4], count >= 0
        else { throw Refusal("persistent id is not ('storage', type, key, location, numel)") }
        if let known = loaded[key] { return .object(known) }
        guard let size = RestrictedUnpickler.torchStorageTypes[type] else { throw Refusal("\(type) is not a storage class") }
        let bytes = try storage(key)
        let needed = count.multipliedReportingOverflow(by: size)
        guard !needed.overflow, bytes.count >= needed.partialValue else {
          throw Refusal("storage data/\(key) is too short: \(bytes.count) bytes, but \(count) elements of \(type) need \(count) × \(size)")
        }
        let box = RestrictedUnpickler.TorchStorage(type: type, key: key, count: count, bytes: bytes)
        loaded[key] = box
        return .object(box)
      })
  }
}

extension RestrictedUnpickler {
  static func reduceTorch(_ global: String, _ a: [Value]) throws(Refusal) -> Value {
    switch global {
    case "collections.OrderedDict":
      guard a.isEmpty else { throw Refusal("OrderedDict must be called without arguments") }
      return .dict(DictBox())
    case "torch._utils._rebuild_tensor_v2":
      guard a.count == 6 || a.count == 7, case .object(let s) = a[0], let storage = s as? TorchStorage,
        case .int(let offset) = a[1], case .tuple(let sizeValues) = a[2], case .tuple(let strideValues) = a[3]
      else { throw Refusal("_rebuild_tensor_v2 must be called as (storage, offset, size, stride, requires_grad, hooks[, metadata])") }
      let shape = sizeValues.compactMap { if case .int(let n) = $0, n >= 0 { n } else { nil } }
      let strides = strideValues.compactMap { if case .int(let n) = $0, n >= 0 { n } else { nil } }
      guard shape.count == sizeValues.count, strides.count == strideValues.count, shape.count == strides.count, offset >= 0
      else { throw Refusal("tensor size \(sizeValues.count) and stride \(strideValues.count) entries must be matching non-negative ints") }
      // The element count, checked before anything is allocated: a view may repeat elements
      // (zero strides) but not past `maximumViewElements` beyond its storage's size.
      var elements = 1
      for n in shape {
        let (product, overflow) = elements.multipliedReportingOverflow(by: n)
        guard !overflow else { throw Refusal("tensor size \(shape) has more elements than can exist (the product overflows)") }
        elements = product
      }
      guard elements <= max(storage.count, maximumViewElements) else {
        throw Refusal("tensor of size \(shape), stride \(strides) has \(elements) elements, more than its storage data/\(storage.key) (\(storage.count)) and than the \(maximumViewElements) a repeated (zero-stride) view may hold")
      }
      if !shape.contains(0) {
        // In Double: sizes and strides from a hostile file could overflow Int.
        let last = zip(shape, strides).reduce(Double(offset)) { $0 + Double($1.0 - 1) * Double($1.1) }
        guard last < Double(storage.count) else {
          throw Refusal("tensor of size \(shape), stride \(strides), offset \(offset) reaches element \(Int(min(last, 1e18))) of storage data/\(storage.key), which has \(storage.count)")
        }
      }
      return .object(TorchTensor(storage: storage, offset: offset, shape: shape, strides: strides))
    case "torch._utils._rebuild_parameter":
      guard a.count == 3, case .object(let t) = a[0], t is TorchTensor else {
        throw Refusal("_rebuild_parameter must be called as (tensor, requires_grad, hooks)")
      }
      return a[0]
    default:
      throw Refusal("REDUCE on global \(global) refused")
    }
  }

  /// An `OrderedDict`'s BUILD sets instance attributes (a state dict's `_metadata`), which a
  /// reader of tensors does not need.
  static func buildTorch(_ target: Value, _ state: Value) throws(Refusal) {
    guard case .dict = target else { throw Refusal("BUILD on \(target.typeName) refused") }
  }
}
