/// A dense, row-major `Float` tensor with value semantics.
///
/// Storage is a private, 64-byte-aligned buffer shared between copies until one of them is
/// mutated (copy-on-write). Element `[i0, i1, …, ik]` lives at offset
/// `((i0 · d1 + i1) · d2 + …) + ik`.
///
/// ```swift
/// var w = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
/// w[flat: 4] = 0        // copies only if `w` shares its storage
/// let s = w.sum()        // 11
/// ```
public struct Tensor: @unchecked Sendable {
  /// The extent of each dimension, outermost first.
  public private(set) var shape: [Int]
  @usableFromInline var storage: Storage

  /// A tensor of `shape` with every element `value`.
  public init(shape: [Int], repeating value: Float = 0) {
    precondition(shape.allSatisfy { $0 >= 0 }, "negative extent in \(shape)")
    self.shape = shape
    self.storage = Storage(count: shape.reduce(1, *))
    if value != 0 { storage.base.update(repeating: value, count: storage.count) }
  }

  /// A tensor of `shape` holding `scalars` in row-major order.
  public init(shape: [Int], scalars: [Float]) {
    self.init(shape: shape)
    precondition(scalars.count == storage.count, "\(scalars.count) scalars for shape \(shape)")
    scalars.withUnsafeBufferPointer { storage.base.update(from: $0.baseAddress!, count: $0.count) }
  }

  /// A tensor of zeros.
  public static func zeros(_ shape: [Int]) -> Tensor { Tensor(shape: shape) }

  /// The number of elements.
  @inlinable public var count: Int { storage.count }

  /// The number of dimensions.
  @inlinable public var rank: Int { shape.count }

  /// The elements in row-major order.
  public var scalars: [Float] {
    Array(UnsafeBufferPointer(start: storage.base, count: storage.count))
  }

  /// Element at a row-major offset.
  @inlinable public subscript(flat index: Int) -> Float {
    get {
      precondition(index >= 0 && index < count, "index \(index) out of range 0..<\(count)")
      return storage.base[index]
    }
    set {
      precondition(index >= 0 && index < count, "index \(index) out of range 0..<\(count)")
      makeUnique()
      storage.base[index] = newValue
    }
  }

  /// Element at a multi-dimensional index.
  public subscript(_ index: Int...) -> Float {
    get { self[flat: offset(of: index)] }
    set { self[flat: offset(of: index)] = newValue }
  }

  func offset(of index: [Int]) -> Int {
    precondition(index.count == shape.count, "index rank \(index.count) != \(shape.count)")
    var o = 0
    for (i, d) in zip(index, shape) {
      precondition(i >= 0 && i < d, "index \(index) out of shape \(shape)")
      o = o * d + i
    }
    return o
  }

  /// The same elements viewed under another shape of equal element count.
  public func reshaped(_ newShape: [Int]) -> Tensor {
    precondition(newShape.reduce(1, *) == count, "cannot reshape \(shape) to \(newShape)")
    var t = self
    t.shape = newShape
    return t
  }

  /// Calls `body` with the elements; the pointer is valid only during the call.
  @inlinable
  public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows
    -> R
  {
    try body(UnsafeBufferPointer(start: storage.base, count: storage.count))
  }

  /// Calls `body` with mutable elements, copying the storage first if it is shared.
  @inlinable
  public mutating func withUnsafeMutableBufferPointer<R>(
    _ body: (UnsafeMutableBufferPointer<Float>) throws -> R
  ) rethrows -> R {
    makeUnique()
    return try body(UnsafeMutableBufferPointer(start: storage.base, count: storage.count))
  }

  @inlinable mutating func makeUnique() {
    if !isKnownUniquelyReferenced(&storage) { copyStorage() }
  }

  @usableFromInline @inline(never) mutating func copyStorage() {
    let copy = Storage(count: storage.count)
    copy.base.update(from: storage.base, count: storage.count)
    storage = copy
  }

  /// Owner of the aligned element buffer.
  @usableFromInline final class Storage {
    @usableFromInline let base: UnsafeMutablePointer<Float>
    @usableFromInline let count: Int

    init(count: Int) {
      self.count = count
      let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * 4, alignment: 64)
      base = raw.initializeMemory(as: Float.self, repeating: 0, count: max(count, 1))
    }

    deinit { UnsafeMutableRawPointer(base).deallocate() }
  }
}

extension Tensor: Equatable {
  /// Equal shapes and bitwise-equal elements (so NaN payloads compare too).
  public static func == (a: Tensor, b: Tensor) -> Bool {
    guard a.shape == b.shape else { return false }
    if a.storage === b.storage { return true }
    for i in 0..<a.count where a.storage.base[i].bitPattern != b.storage.base[i].bitPattern {
      return false
    }
    return true
  }
}

extension Tensor: CustomStringConvertible {
  public var description: String {
    let head = scalars.prefix(8).map { "\($0)" }.joined(separator: ", ")
    return "Tensor(shape: \(shape), [\(head)\(count > 8 ? ", …" : "")])"
  }
}
