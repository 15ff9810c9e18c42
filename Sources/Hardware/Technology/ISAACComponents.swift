/// ISAAC's component table (Shafiee et al., ISCA 2016, Table I, 32 nm), the source of the
/// default per-operation energies and areas.
///
/// An IMA holds 8 arrays of 128×128 2-bit cells with 8 shared ADCs; a tile holds 12 IMAs and
/// the tile-level units below (its router is shared by 4 tiles).
public enum ISAACComponents {
  /// One row of the table: a component, how many an IMA or tile has, their power and area.
  public struct Entry: Sendable, Equatable {
    public var name: String
    public var count: Int
    public var powerMw: Double
    public var areaMm2: Double
  }

  /// Per-IMA components (power and area of all `count` units together).
  public static let ima: [Entry] = [
    Entry(name: "ADC (8-bit, 1.28 GS/s)", count: 8, powerMw: 16, areaMm2: 0.0096),
    Entry(name: "DAC (1-bit)", count: 8 * 128, powerMw: 4, areaMm2: 0.00017),
    Entry(name: "sample and hold", count: 8 * 128, powerMw: 0.01, areaMm2: 0.00004),
    Entry(name: "memristor array (128x128, 2-bit)", count: 8, powerMw: 2.4, areaMm2: 0.0002),
    Entry(name: "shift and add", count: 4, powerMw: 0.2, areaMm2: 0.00024),
    Entry(name: "input register (2 KB)", count: 1, powerMw: 1.24, areaMm2: 0.0021),
    Entry(name: "output register (256 B)", count: 1, powerMw: 0.23, areaMm2: 0.00077),
  ]

  /// Tile-level components (the router's 42 mW and 0.151 mm² shared by 4 tiles).
  public static let tile: [Entry] = [
    Entry(name: "eDRAM buffer (64 KB)", count: 1, powerMw: 20.7, areaMm2: 0.083),
    Entry(name: "eDRAM-to-IMA bus", count: 1, powerMw: 7, areaMm2: 0.090),
    Entry(name: "router (1/4)", count: 1, powerMw: 42.0 / 4, areaMm2: 0.151 / 4),
    Entry(name: "sigmoid", count: 2, powerMw: 0.52, areaMm2: 0.0006),
    Entry(name: "shift and add", count: 1, powerMw: 0.05, areaMm2: 0.00006),
    Entry(name: "max pool", count: 1, powerMw: 0.4, areaMm2: 0.00024),
    Entry(name: "output register (3 KB)", count: 1, powerMw: 1.68, areaMm2: 0.0032),
  ]

  public static let imasPerTile = 12
  /// ADC sample rate (GS/s) and crossbar read cycle (ns).
  public static let adcGigaSamplesPerSecond = 1.28
  public static let readCycleNs = 100.0

  /// Power of one IMA in mW (ISAAC: 24.08 mW).
  public static var imaPowerMw: Double { ima.reduce(0) { $0 + $1.powerMw } }
  /// Power of one tile in mW (ISAAC: ≈ 330 mW).
  public static var tilePowerMw: Double { Double(imasPerTile) * imaPowerMw + tile.reduce(0) { $0 + $1.powerMw } }
  /// Area of one tile in mm² (ISAAC: 0.372 mm²).
  public static var tileAreaMm2: Double {
    Double(imasPerTile) * ima.reduce(0) { $0 + $1.areaMm2 } + tile.reduce(0) { $0 + $1.areaMm2 }
  }

  static func entry(_ prefix: String) -> Entry { ima.first { $0.name.hasPrefix(prefix) }! }

  /// Energy of one array read (all rows driven): array power × read cycle, in pJ.
  public static var crossbarReadPj: Double {
    let e = entry("memristor"); return e.powerMw / Double(e.count) * readCycleNs
  }
  /// Energy of one ADC conversion: power / sample rate, in pJ.
  public static var adcPj: Double { let e = entry("ADC"); return e.powerMw / Double(e.count) / adcGigaSamplesPerSecond }
  /// Energy of one 1-bit DAC over a read cycle, in pJ.
  public static var dacPj: Double { let e = entry("DAC"); return e.powerMw / Double(e.count) * readCycleNs }
  /// Energy of one shift-and-add operation at the ADC clock, in pJ.
  public static var shiftAddPj: Double {
    let e = entry("shift"); return e.powerMw / Double(e.count) / adcGigaSamplesPerSecond
  }
}
