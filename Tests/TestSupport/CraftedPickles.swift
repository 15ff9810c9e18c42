import Foundation

/// Hostile pickles written byte by byte: sizes that overflow or ask for terabytes. They are
/// the unit tests' cases, the fuzz tests' seeds and the files `sdfa run` is given end to end.
public enum CraftedPickles {
  /// Pickle opcodes the builders need: GLOBAL and BINUNICODE.
  enum P {
    static func global(_ module: String, _ name: String) -> [UInt8] { [0x63] + Array("\(module)\n\(name)\n".utf8) }
    static func unicode(_ s: String) -> [UInt8] {
      [0x58] + withUnsafeBytes(of: UInt32(s.utf8.count).littleEndian, Array.init) + Array(s.utf8)
    }
  }

  /// LONG1 with 8 bytes: any Int.
  public static func long(_ n: Int) -> [UInt8] { [0x8A, 8] + withUnsafeBytes(of: n.littleEndian, Array.init) }

  /// `OrderedDict(w=_rebuild_tensor_v2(storage '0' of 7 floats, offset, size, stride, False,
  /// OrderedDict()))`, the shape `torch.save` gives a one-tensor state dict.
  public static func torchTensor(size: [Int], stride: [Int], offset: Int = 0) -> [UInt8] {
    var p: [UInt8] = [0x80, 0x02]
    p += P.global("collections", "OrderedDict") + [0x29, 0x52]
    p += P.unicode("w")
    p += P.global("torch._utils", "_rebuild_tensor_v2") + [0x28]
    p += [0x28] + P.unicode("storage") + P.global("torch", "FloatStorage") + P.unicode("0") + P.unicode("cpu") + [0x4B, 7, 0x74, 0x51]
    p += long(offset)
    p += [0x28] + size.flatMap(long) + [0x74]
    p += [0x28] + stride.flatMap(long) + [0x74]
    p += [0x89] + P.global("collections", "OrderedDict") + [0x29, 0x52]
    p += [0x74, 0x52, 0x73, 0x2E]  // TUPLE, REDUCE, SETITEM, STOP
    return p
  }

  /// `numpy.core.multiarray._reconstruct(ndarray, (0,), b'b')` built with state
  /// `(1, shape, dtype('<f8'), False, bytes)`, as numpy pickles an array.
  public static func numpyArray(shape: [Int], data: [UInt8]) -> [UInt8] {
    var p: [UInt8] = [0x80, 0x02]
    p += P.global("numpy.core.multiarray", "_reconstruct")
    p += P.global("numpy", "ndarray") + [0x4B, 0, 0x85] + [0x43, 1, 0x62] + [0x87, 0x52]
    p += [0x28, 0x4B, 1]
    p += [0x28] + shape.flatMap(long) + [0x74]
    p += P.global("numpy", "dtype") + P.unicode("f8") + [0x89, 0x88, 0x87, 0x52]
    p += [0x28, 0x4B, 3] + P.unicode("<") + [0x4E, 0x4E, 0x4E] + long(-1) + long(-1) + [0x4B, 0, 0x74, 0x62]
    p += [0x89]
    p += [0x42] + withUnsafeBytes(of: UInt32(data.count).littleEndian, Array.init) + data
    p += [0x74, 0x62, 0x2E]  // TUPLE, BUILD, STOP
    return p
  }

  /// Shape `[2^62 + 1, 12]`: its element count wraps to 12 in 64 bits, so 96 bytes of data
  /// look like enough while a reader believes 2^62 + 1 rows.
  public static let wrappingBrailleArray = numpyArray(shape: [(1 << 62) + 1, 12], data: [UInt8](repeating: 0, count: 96))
  /// `[{'letter': 'A', 'taxel_data': array}]`: the Braille file's layout around `array`, a
  /// pickle of ``numpyArray(shape:data:)``, so that a reader gets as far as using the array.
  public static func brailleFile(array: [UInt8]) -> [UInt8] {
    let value = array.dropFirst(2).dropLast()  // without PROTO and STOP
    return [0x80, 0x02, 0x5D, 0x7D] + P.unicode("letter") + P.unicode("A") + [0x73] + P.unicode("taxel_data") + value
      + [0x73, 0x61, 0x2E]  // SETITEM, APPEND, STOP
  }

  /// Size `[10^6, 10^6]`, strides `[0, 0]`: every offset stays in a 7-float storage, and
  /// reading it would allocate 4 TB.
  public static let terabyteView = torchTensor(size: [1_000_000, 1_000_000], stride: [0, 0])
  /// Size `[2^62, 4]`, strides `[0, 0]`: the element count overflows.
  public static let overflowingView = torchTensor(size: [1 << 62, 4], stride: [0, 0])
}
