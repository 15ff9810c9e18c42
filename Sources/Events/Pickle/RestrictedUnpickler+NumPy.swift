extension RestrictedUnpickler {
  /// A float64, C-order numpy array; `shape` empty until BUILD sets its state.
  public final class ArrayBox {
    public var shape: [Int] = []
    public var values: [Double] = []
    public internal(set) var built = false
  }

  /// A numpy dtype as `numpy.dtype(code, align, copy)` and its BUILD state describe it.
  public final class DTypeBox {
    public var code: String
    public var byteOrder = "="
    init(code: String) { self.code = code }
  }

}

extension RestrictedUnpickler.AllowList {
  /// What the Braille file needs (datasets.md §4.3–4.4): numpy's `_reconstruct`, `ndarray` and
  /// `dtype`, building little-endian float64 arrays.
  public static var numpy: Self {
    Self(
      summary: "numpy's _reconstruct, ndarray and dtype",
      globals: ["numpy.core.multiarray._reconstruct", "numpy.ndarray", "numpy.dtype"],
      moduleAliases: ["numpy._core.multiarray": "numpy.core.multiarray"],
      reduce: RestrictedUnpickler.reduceNumPy, build: RestrictedUnpickler.buildNumPy)
  }
}

extension RestrictedUnpickler {

  static func reduceNumPy(_ global: String, _ a: [Value]) throws(Refusal) -> Value {
    switch global {
    case "numpy.core.multiarray._reconstruct":
      guard a.count == 3, case .global("numpy.ndarray") = a[0] else {
        throw Refusal("_reconstruct must be called as _reconstruct(ndarray, shape, dtype)")
      }
      return .object(ArrayBox())
    case "numpy.dtype":
      guard a.count == 3, case .string(let code) = a[0] else { throw Refusal("dtype must be called as dtype(code, align, copy)") }
      guard code == "f8" else { throw Refusal("dtype '\(code)' refused: only float64 ('f8') arrays are supported") }
      return .object(DTypeBox(code: code))
    default:
      throw Refusal("REDUCE on global \(global) refused")
    }
  }

  static func buildNumPy(_ target: Value, _ state: Value) throws(Refusal) {
    guard case .tuple(let s) = state else { throw Refusal("BUILD state is not a tuple") }
    switch target {
    case .object(let d as DTypeBox):
      guard s.count == 8, case .int(3) = s[0], case .string(let order) = s[1] else { throw Refusal("unexpected dtype state") }
      guard order == "<" || order == "|" || order == "=" else { throw Refusal("dtype byte order '\(order)' refused (little-endian only)") }
      d.byteOrder = order
    case .object(let a as ArrayBox):
      guard s.count == 5, case .int(1) = s[0], case .tuple(let dims) = s[1], case .object(let dtypeObject) = s[2],
        let dtype = dtypeObject as? DTypeBox, case .bool(let fortran) = s[3], case .bytes(let data) = s[4]
      else { throw Refusal("unexpected ndarray state (expected (1, shape, dtype, is_fortran, bytes))") }
      guard !fortran else { throw Refusal("Fortran-order arrays refused") }
      guard dtype.code == "f8", dtype.byteOrder != ">" else { throw Refusal("only little-endian float64 arrays are supported") }
      var shape: [Int] = []
      for d in dims {
        guard case .int(let n) = d, n >= 0 else { throw Refusal("array shape entries must be non-negative ints") }
        shape.append(n)
      }
      // Checked: a wrapped product (a shape whose entries multiply past Int.max to 12) would
      // agree with a short buffer and let readers index past it.
      var count = 1
      for n in shape {
        let (product, overflow) = count.multipliedReportingOverflow(by: n)
        guard !overflow, product <= Int.max / 8 else {
          throw Refusal("array shape \(shape) has more elements than can exist (the product overflows; the data has \(data.count) bytes)")
        }
        count = product
      }
      guard count * 8 == data.count else {
        throw Refusal("array data has \(data.count) bytes, shape \(shape) needs \(count) × 8 = \(count * 8)")
      }
      a.shape = shape
      a.values = data.withUnsafeBytes { raw in (0..<count).map { Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * $0, as: UInt64.self))) } }
      a.built = true
    default:
      throw Refusal("BUILD on \(target.typeName) refused")
    }
  }
}
