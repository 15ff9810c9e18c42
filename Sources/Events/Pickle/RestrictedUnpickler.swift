/// A pickle reader that never executes anything: a value stack with marks, a memo, the
/// opcodes of protocols 2–4 that data files use, and an ``AllowList`` of the globals a pickle
/// may name and what calling them builds. Every other opcode or global is refused with its
/// byte offset.
///
/// ```swift
/// let root = try RestrictedUnpickler.load(bytes, file: "data.pkl", allowing: .numpy)
/// ```
public enum RestrictedUnpickler {
  /// A decoded value.
  public indirect enum Value {
    case none
    case bool(Bool)
    case int(Int)
    case float(Double)
    case string(String)
    case bytes([UInt8])
    case tuple([Value])
    case list(ListBox)
    case dict(DictBox)
    /// An allow-listed global, by its qualified name (`numpy.dtype`).
    case global(String)
    /// What an allow-listed reducer or persistent load built (a numpy array, a torch tensor).
    case object(AnyObject)

    var typeName: String {
      switch self {
      case .none: return "None"
      case .bool: return "bool"
      case .int: return "int"
      case .float: return "float"
      case .string: return "str"
      case .bytes: return "bytes"
      case .tuple: return "tuple"
      case .list: return "list"
      case .dict: return "dict"
      case .global(let name): return "global \(name)"
      case .object(let object): return "\(type(of: object))"
      }
    }
  }

  public final class ListBox { public var items: [Value] = [] }
  public final class DictBox { public var pairs: [(key: Value, value: Value)] = [] }

  /// Why an allow-list's callback refused a call; the unpickler adds file and byte offset.
  public struct Refusal: Error {
    public var message: String
    public init(_ message: String) { self.message = message }
  }

  /// What a pickle may call: the globals it may name, and what REDUCE, BUILD and persistent
  /// ids do with them. Anything else is refused.
  public struct AllowList {
    /// The allowed globals in words, for refusals (`numpy's _reconstruct, ndarray and dtype`).
    public var summary: String
    /// Qualified names (`module.name`) a pickle may name.
    public var globals: Set<String>
    /// Module renames applied before the lookup (`numpy._core.multiarray` → `numpy.core.multiarray`).
    public var moduleAliases: [String: String] = [:]
    /// Calls an allowed global with its arguments.
    public var reduce: (_ global: String, _ arguments: [Value]) throws(Refusal) -> Value
    /// Sets the state of a value a reducer built.
    public var build: (_ target: Value, _ state: Value) throws(Refusal) -> Void
    /// Resolves a persistent id (BINPERSID); nil refuses them.
    public var persistentLoad: ((Value) throws(Refusal) -> Value)?

    public init(
      summary: String, globals: Set<String>, moduleAliases: [String: String] = [:],
      reduce: @escaping (String, [Value]) throws(Refusal) -> Value,
      build: @escaping (Value, Value) throws(Refusal) -> Void,
      persistentLoad: ((Value) throws(Refusal) -> Value)? = nil
    ) {
      self.summary = summary
      self.globals = globals
      self.moduleAliases = moduleAliases
      self.reduce = reduce
      self.build = build
      self.persistentLoad = persistentLoad
    }
  }

  /// Decodes a pickle, calling only what `allowList` allows.
  /// - Throws: ``EventsError`` at the byte of the first refused or malformed opcode.
  public static func load(_ bytes: [UInt8], file: String, allowing allowList: AllowList = .numpy) throws -> Value {
    var stack: [Value] = []
    var marks: [Int] = []
    var memo: [Int: Value] = [:]
    var pc = 0
    func fail(_ at: Int, _ message: String) -> EventsError { EventsError(file: file, .byte(at), message) }
    func take(_ n: Int, _ at: Int) throws -> ArraySlice<UInt8> {
      guard n >= 0, n <= bytes.count - pc else { throw fail(at, "truncated pickle: opcode needs \(n) more bytes") }
      defer { pc += n }
      return bytes[pc..<(pc + n)]
    }
    func line(_ at: Int) throws -> String {
      guard let end = bytes[pc...].firstIndex(of: 0x0A) else { throw fail(at, "truncated pickle: unterminated line") }
      defer { pc = end + 1 }
      guard let s = String(validating: bytes[pc..<end], as: UTF8.self) else { throw fail(at, "invalid UTF-8 in name") }
      return s
    }
    func le(_ s: ArraySlice<UInt8>) -> Int { s.reversed().reduce(0) { $0 << 8 | Int($1) } }
    func pop(_ at: Int) throws -> Value {
      if let m = marks.last, m >= stack.count { throw fail(at, "stack underflow past a mark") }
      guard let v = stack.popLast() else { throw fail(at, "stack underflow") }
      return v
    }
    func popMark(_ at: Int) throws -> [Value] {
      guard let m = marks.popLast(), m <= stack.count else { throw fail(at, "no mark on the stack") }
      let items = Array(stack[m...])
      stack.removeSubrange(m...)
      return items
    }
    func string(_ raw: ArraySlice<UInt8>, _ at: Int) throws -> Value {
      guard let s = String(validating: raw, as: UTF8.self) else { throw fail(at, "invalid UTF-8 in string") }
      return .string(s)
    }
    func global(module: String, name: String, _ at: Int) throws -> Value {
      let qualified = (allowList.moduleAliases[module] ?? module) + "." + name
      guard allowList.globals.contains(qualified) else {
        throw fail(at, "refused global '\(module).\(name)': only \(allowList.summary) are allowed")
      }
      return .global(qualified)
    }
    func setItems(_ items: [Value], _ at: Int) throws {
      guard items.count % 2 == 0, case .dict(let d) = stack.last else { throw fail(at, "SETITEM(S) needs a dict and key/value pairs") }
      for k in stride(from: 0, to: items.count, by: 2) { d.pairs.append((items[k], items[k + 1])) }
    }
    while true {
      let at = pc
      guard pc < bytes.count else { throw fail(at, "truncated pickle: no STOP opcode") }
      let op = bytes[pc]
      pc += 1
      do {
        switch op {
        case 0x80: _ = try take(1, at)  // PROTO
        case 0x95: _ = try take(8, at)  // FRAME
        case 0x5D: stack.append(.list(ListBox()))  // EMPTY_LIST
        case 0x7D: stack.append(.dict(DictBox()))  // EMPTY_DICT
        case 0x29: stack.append(.tuple([]))  // EMPTY_TUPLE
        case 0x28: marks.append(stack.count)  // MARK
        case 0x94:  // MEMOIZE
          guard let top = stack.last else { throw fail(at, "MEMOIZE on an empty stack") }
          memo[memo.count] = top
        case 0x71, 0x72:  // BINPUT, LONG_BINPUT
          let index = le(try take(op == 0x71 ? 1 : 4, at))
          guard let top = stack.last else { throw fail(at, "BINPUT on an empty stack") }
          memo[index] = top
        case 0x68, 0x6A:  // BINGET, LONG_BINGET
          let index = le(try take(op == 0x68 ? 1 : 4, at))
          guard let value = memo[index] else { throw fail(at, "memo index \(index) not defined") }
          stack.append(value)
        case 0x8C: stack.append(try string(try take(Int(try take(1, at).first!), at), at))  // SHORT_BINUNICODE
        case 0x58: stack.append(try string(try take(le(try take(4, at)), at), at))  // BINUNICODE
        case 0x4B: stack.append(.int(Int(try take(1, at).first!)))  // BININT1
        case 0x4D: stack.append(.int(le(try take(2, at))))  // BININT2
        case 0x4A: stack.append(.int(Int(Int32(truncatingIfNeeded: le(try take(4, at))))))  // BININT
        case 0x8A:  // LONG1: little-endian two's complement of n bytes
          let n = Int(try take(1, at).first!)
          guard n <= 8 else { throw fail(at, "integer of \(n) bytes does not fit 64 bits") }
          let raw = try take(n, at)
          let shift = 64 - 8 * n
          stack.append(.int(n == 0 ? 0 : Int(truncatingIfNeeded: UInt64(truncatingIfNeeded: le(raw)) << shift) >> shift))
        case 0x47:  // BINFLOAT: big-endian float64
          let raw = try take(8, at)
          stack.append(.float(Double(bitPattern: raw.reduce(UInt64(0)) { $0 << 8 | UInt64($1) })))
        case 0x4E: stack.append(.none)
        case 0x88: stack.append(.bool(true))
        case 0x89: stack.append(.bool(false))
        case 0x85, 0x86, 0x87:  // TUPLE1/2/3
          var items: [Value] = []
          for _ in 0..<Int(op - 0x84) { items.insert(try pop(at), at: 0) }
          stack.append(.tuple(items))
        case 0x74: stack.append(.tuple(try popMark(at)))  // TUPLE
        case 0x43, 0x42:  // SHORT_BINBYTES, BINBYTES
          let n = le(try take(op == 0x43 ? 1 : 4, at))
          stack.append(.bytes(Array(try take(n, at))))
        case 0x63:  // GLOBAL: "module\nname\n"
          let module = try line(at)
          stack.append(try global(module: module, name: try line(at), at))
        case 0x93:  // STACK_GLOBAL
          let nameValue = try pop(at), moduleValue = try pop(at)
          guard case .string(let name) = nameValue, case .string(let module) = moduleValue else {
            throw fail(at, "STACK_GLOBAL needs two strings")
          }
          stack.append(try global(module: module, name: name, at))
        case 0x52:  // REDUCE
          let args = try pop(at), callable = try pop(at)
          guard case .global(let name) = callable else { throw fail(at, "REDUCE on \(callable.typeName) refused") }
          guard case .tuple(let a) = args else { throw fail(at, "REDUCE arguments are not a tuple") }
          stack.append(try allowList.reduce(name, a))
        case 0x62:  // BUILD
          let state = try pop(at)
          guard let target = stack.last else { throw fail(at, "BUILD on an empty stack") }
          try allowList.build(target, state)
        case 0x51:  // BINPERSID
          guard let persistentLoad = allowList.persistentLoad else { throw fail(at, "refused persistent id: this file has no external storage") }
          stack.append(try persistentLoad(try pop(at)))
        case 0x73:  // SETITEM
          let value = try pop(at), key = try pop(at)
          try setItems([key, value], at)
        case 0x75: try setItems(try popMark(at), at)  // SETITEMS
        case 0x61:  // APPEND
          let item = try pop(at)
          guard case .list(let l) = stack.last else { throw fail(at, "APPEND needs a list") }
          l.items.append(item)
        case 0x65:  // APPENDS
          let items = try popMark(at)
          guard case .list(let l) = stack.last else { throw fail(at, "APPENDS needs a list") }
          l.items.append(contentsOf: items)
        case 0x2E:  // STOP
          guard let result = stack.popLast() else { throw fail(at, "STOP on an empty stack") }
          return result
        default:
          let printable = (0x20..<0x7F).contains(op) ? " ('\(Character(UnicodeScalar(op)))')" : ""
          throw fail(at, "refused pickle opcode 0x\(String(op, radix: 16))\(printable): data files do not need it")
        }
      } catch let refusal as Refusal {
        throw fail(at, refusal.message)
      }
    }
  }
}
