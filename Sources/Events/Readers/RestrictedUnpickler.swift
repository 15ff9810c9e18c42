/// A pickle reader that understands exactly what the Braille file needs (datasets.md §4.3–4.4)
/// and never executes anything: a value stack with marks, a memo, 26 opcodes, and three
/// allowed globals (numpy's `_reconstruct`, `ndarray`, `dtype`) that build float64 arrays.
/// Every other opcode or global is refused with its byte offset.
public enum RestrictedUnpickler {
  /// A decoded value.
  public indirect enum Value {
    case none
    case bool(Bool)
    case int(Int)
    case string(String)
    case bytes([UInt8])
    case tuple([Value])
    case list(ListBox)
    case dict(DictBox)
    case array(ArrayBox)
    case dtype(DTypeBox)
    case global(Global)

    var typeName: String {
      switch self {
      case .none: return "None"
      case .bool: return "bool"
      case .int: return "int"
      case .string: return "str"
      case .bytes: return "bytes"
      case .tuple: return "tuple"
      case .list: return "list"
      case .dict: return "dict"
      case .array: return "ndarray"
      case .dtype: return "dtype"
      case .global(let g): return "global \(g)"
      }
    }
  }

  /// The only callables a pickle may name.
  public enum Global: String, Sendable {
    case reconstruct = "numpy.core.multiarray._reconstruct"
    case ndarray = "numpy.ndarray"
    case dtype = "numpy.dtype"
  }

  public final class ListBox { public var items: [Value] = [] }
  public final class DictBox { public var pairs: [(key: Value, value: Value)] = [] }
  /// A float64, C-order array; `shape` empty until BUILD sets its state.
  public final class ArrayBox {
    public var shape: [Int] = []
    public var values: [Double] = []
    var built = false
  }
  public final class DTypeBox {
    public var code: String
    public var byteOrder = "="
    init(code: String) { self.code = code }
  }

  /// Decodes a pickle.
  /// - Throws: ``EventsError`` at the byte of the first refused or malformed opcode.
  public static func load(_ bytes: [UInt8], file: String) throws -> Value {
    var stack: [Value] = []
    var marks: [Int] = []
    var memo: [Value] = []
    var pc = 0
    func fail(_ at: Int, _ message: String) -> EventsError { EventsError(file: file, .byte(at), message) }
    func take(_ n: Int, _ at: Int) throws -> ArraySlice<UInt8> {
      guard n >= 0, pc + n <= bytes.count else { throw fail(at, "truncated pickle: opcode needs \(n) more bytes") }
      defer { pc += n }
      return bytes[pc..<(pc + n)]
    }
    func le(_ s: ArraySlice<UInt8>) -> Int { s.reversed().reduce(0) { $0 << 8 | Int($1) } }
    func pop(_ at: Int) throws -> Value {
      guard let v = stack.popLast() else { throw fail(at, "stack underflow") }
      if let m = marks.last, m > stack.count { throw fail(at, "stack underflow past a mark") }
      return v
    }
    func popMark(_ at: Int) throws -> [Value] {
      guard let m = marks.popLast(), m <= stack.count else { throw fail(at, "no mark on the stack") }
      let items = Array(stack[m...])
      stack.removeSubrange(m...)
      return items
    }
    while true {
      let at = pc
      guard pc < bytes.count else { throw fail(at, "truncated pickle: no STOP opcode") }
      let op = bytes[pc]
      pc += 1
      switch op {
      case 0x80: _ = try take(1, at)  // PROTO
      case 0x95: _ = try take(8, at)  // FRAME
      case 0x5D: stack.append(.list(ListBox()))  // EMPTY_LIST
      case 0x7D: stack.append(.dict(DictBox()))  // EMPTY_DICT
      case 0x28: marks.append(stack.count)  // MARK
      case 0x94:  // MEMOIZE
        guard let top = stack.last else { throw fail(at, "MEMOIZE on an empty stack") }
        memo.append(top)
      case 0x68, 0x6A:  // BINGET, LONG_BINGET
        let index = le(try take(op == 0x68 ? 1 : 4, at))
        guard index < memo.count else { throw fail(at, "memo index \(index) not defined (memo has \(memo.count))") }
        stack.append(memo[index])
      case 0x8C:  // SHORT_BINUNICODE
        let n = Int(try take(1, at).first!)
        let raw = try take(n, at)
        guard let s = String(validating: raw, as: UTF8.self) else { throw fail(at, "invalid UTF-8 in string") }
        stack.append(.string(s))
      case 0x4B: stack.append(.int(Int(try take(1, at).first!)))  // BININT1
      case 0x4A: stack.append(.int(Int(Int32(truncatingIfNeeded: le(try take(4, at))))))  // BININT
      case 0x4E: stack.append(.none)
      case 0x88: stack.append(.bool(true))
      case 0x89: stack.append(.bool(false))
      case 0x85, 0x86, 0x87:  // TUPLE1/2/3
        let n = Int(op - 0x84)
        var items: [Value] = []
        for _ in 0..<n { items.insert(try pop(at), at: 0) }
        stack.append(.tuple(items))
      case 0x74: stack.append(.tuple(try popMark(at)))  // TUPLE
      case 0x43, 0x42:  // SHORT_BINBYTES, BINBYTES
        let n = le(try take(op == 0x43 ? 1 : 4, at))
        stack.append(.bytes(Array(try take(n, at))))
      case 0x93:  // STACK_GLOBAL
        let nameValue = try pop(at), moduleValue = try pop(at)
        guard case .string(let name) = nameValue, case .string(let module) = moduleValue else {
          throw fail(at, "STACK_GLOBAL needs two strings")
        }
        let qualified = (module == "numpy._core.multiarray" ? "numpy.core.multiarray" : module) + "." + name
        guard let global = Global(rawValue: qualified) else {
          throw fail(at, "refused global '\(module).\(name)': only numpy's _reconstruct, ndarray and dtype are allowed")
        }
        stack.append(.global(global))
      case 0x52:  // REDUCE
        let args = try pop(at), callable = try pop(at)
        stack.append(try reduce(callable, args, fail: { fail(at, $0) }))
      case 0x62:  // BUILD
        let state = try pop(at)
        guard let target = stack.last else { throw fail(at, "BUILD on an empty stack") }
        try build(target, state, fail: { fail(at, $0) })
      case 0x75:  // SETITEMS
        let items = try popMark(at)
        guard items.count % 2 == 0, case .dict(let d) = stack.last else { throw fail(at, "SETITEMS needs a dict and key/value pairs") }
        for k in stride(from: 0, to: items.count, by: 2) { d.pairs.append((items[k], items[k + 1])) }
      case 0x65:  // APPENDS
        let items = try popMark(at)
        guard case .list(let l) = stack.last else { throw fail(at, "APPENDS needs a list") }
        l.items.append(contentsOf: items)
      case 0x2E:  // STOP
        guard let result = stack.popLast() else { throw fail(at, "STOP on an empty stack") }
        return result
      default:
        throw fail(at, "refused pickle opcode 0x\(String(op, radix: 16)) ('\(Character(UnicodeScalar(op)))'): not needed by the Braille data")
      }
    }
  }

  static func reduce(_ callable: Value, _ args: Value, fail: (String) -> EventsError) throws -> Value {
    guard case .tuple(let a) = args else { throw fail("REDUCE arguments are not a tuple") }
    switch callable {
    case .global(.reconstruct):
      guard a.count == 3, case .global(.ndarray) = a[0] else { throw fail("_reconstruct must be called as _reconstruct(ndarray, shape, dtype)") }
      return .array(ArrayBox())
    case .global(.dtype):
      guard a.count == 3, case .string(let code) = a[0] else { throw fail("dtype must be called as dtype(code, align, copy)") }
      guard code == "f8" else { throw fail("dtype '\(code)' refused: only float64 ('f8') arrays are supported") }
      return .dtype(DTypeBox(code: code))
    default:
      throw fail("REDUCE on \(callable.typeName) refused")
    }
  }

  static func build(_ target: Value, _ state: Value, fail: (String) -> EventsError) throws {
    guard case .tuple(let s) = state else { throw fail("BUILD state is not a tuple") }
    switch target {
    case .dtype(let d):
      guard s.count == 8, case .int(3) = s[0], case .string(let order) = s[1] else { throw fail("unexpected dtype state") }
      guard order == "<" || order == "|" || order == "=" else { throw fail("dtype byte order '\(order)' refused (little-endian only)") }
      d.byteOrder = order
    case .array(let a):
      guard s.count == 5, case .int(1) = s[0], case .tuple(let dims) = s[1], case .dtype(let dtype) = s[2],
        case .bool(let fortran) = s[3], case .bytes(let data) = s[4]
      else { throw fail("unexpected ndarray state (expected (1, shape, dtype, is_fortran, bytes))") }
      guard !fortran else { throw fail("Fortran-order arrays refused") }
      guard dtype.code == "f8", dtype.byteOrder != ">" else { throw fail("only little-endian float64 arrays are supported") }
      var shape: [Int] = []
      for d in dims {
        guard case .int(let n) = d, n >= 0 else { throw fail("array shape entries must be non-negative ints") }
        shape.append(n)
      }
      let count = shape.reduce(1) { $0.multipliedReportingOverflow(by: $1).partialValue }
      guard count.multipliedReportingOverflow(by: 8).partialValue == data.count, count <= data.count else {
        throw fail("array data has \(data.count) bytes, shape \(shape) needs \(count * 8)")
      }
      a.shape = shape
      a.values = data.withUnsafeBytes { raw in (0..<count).map { Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * $0, as: UInt64.self))) } }
      a.built = true
    default:
      throw fail("BUILD on \(target.typeName) refused")
    }
  }
}
