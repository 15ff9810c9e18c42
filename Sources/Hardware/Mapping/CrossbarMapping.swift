/// The crossbar mapping of one weight layer.
///
/// ```
/// n_c = ceil(b_w / b_c)          R = ceil(N_in / Xr)          K = ceil(N_out · n_c / Xc)
/// A   = R · K · p                Arrays = A · G               util = N_in·N_out·n_c·p / (A·Xr·Xc)
/// ```
public struct LayerMapping: Codable, Sendable, Equatable {
  public var name: String
  /// Matrix view (`N_in × N_out`), reads per time step (`P`) and feedback size (`F`).
  public var rows: Int
  public var cols: Int
  public var positions: Int
  public var feedbackSize: Int
  public var cellsPerWeight: Int
  public var rowTiles: Int
  public var colTiles: Int
  /// Arrays per weight copy (`A`).
  public var arraysPerCopy: Int
  /// Replication factor (`G`).
  public var replication: Int
  /// Cells holding weights in one copy, `N_in · N_out · n_c · p`.
  public var cellsUsed: Int
  public var utilization: Double

  /// All arrays of the layer, `A · G`.
  public var arrays: Int { arraysPerCopy * replication }
  /// Reads per time step after replication, `ceil(P / G)`.
  public var slotReads: Int { (positions + replication - 1) / replication }
  /// Rows actually used in one array (rows written serially by an update).
  public var rowsPerArray: Int { (rows + rowTiles - 1) / rowTiles }
}

/// The mapping of a whole network: weight layers and the extra arrays of each accelerator.
public struct NetworkMapping: Codable, Sendable, Equatable {
  public var layers: [LayerMapping]
  /// Columns of the feedback matrix `B` (`F_max` or `Σ F_l`).
  public var feedbackColumns: Int
  /// Rows of `B` (`C`, the error length).
  public var feedbackRows: Int
  /// Arrays holding `B` (`A_B`), PipeSDFA only.
  public var feedbackArrays: Int
  /// Arrays added for BP's transposed reads: the `Wᵀ` copies in duplicate mode, else 0.
  public var transposeDuplicateArrays: Int
  /// Arrays that get row-side drivers and ADCs for transposed reads (peripheral mode).
  public var transposePeripheralArrays: Int

  /// Weight arrays over all layers (with replication).
  public var weightArrays: Int { layers.reduce(0) { $0 + $1.arrays } }
  /// Arrays of PipeLayer (weights plus duplicate transposes).
  public var pipeLayerArrays: Int { weightArrays + transposeDuplicateArrays }
  /// Arrays of PipeSDFA (weights plus `B`).
  public var pipeSDFAArrays: Int { weightArrays + feedbackArrays }
  /// Utilisation over the weight arrays (array-weighted mean of the layers').
  public var utilization: Double {
    let total = Double(weightArrays)
    return total > 0 ? layers.reduce(0.0) { $0 + $1.utilization * Double($1.arrays) } / total : 0
  }
}

/// Crossbar mapping: tiling, replication, the transposed-read overhead and the feedback matrix.
public enum Mapping {
  /// Maps `network` onto the crossbars of `technology`.
  ///
  /// Example (defaults, 128×128 arrays, 8-bit weights in 2-bit cells, differential pairs):
  /// N-MNIST 2312→1000→10 gives 1,216 + 16 weight arrays and 16 arrays for `B`.
  public static func map(_ network: NetworkDescription, technology tech: Technology) -> NetworkMapping {
    let nc = tech.cellsPerWeight
    let p = tech.signedWeights.arraysPerWeight
    var layers = network.layers.map { layer -> LayerMapping in
      let r = ceilDiv(layer.matrixRows, tech.crossbarRows)
      let k = ceilDiv(layer.matrixCols * nc, tech.crossbarCols)
      let a = r * k * p
      let used = layer.matrixRows * layer.matrixCols * nc * p
      return LayerMapping(
        name: layer.name, rows: layer.matrixRows, cols: layer.matrixCols, positions: layer.positions,
        feedbackSize: layer.feedbackSize, cellsPerWeight: nc, rowTiles: r, colTiles: k,
        arraysPerCopy: a, replication: 1, cellsUsed: used,
        utilization: Double(used) / Double(a * tech.crossbarRows * tech.crossbarCols))
    }
    if tech.architecture.replication == .balanced {
      balance(&layers, budget: tech.architecture.arrayBudget)
    }

    let feedback = network.feedbackSizes
    let columns: Int
    switch tech.architecture.feedbackMatrix {
    case .sharedPrefix: columns = feedback.max() ?? 0
    case .perLayer: columns = feedback.reduce(0, +)
    }
    let feedbackArrays = columns == 0 ? 0 :
      ceilDiv(network.errorSize, tech.crossbarRows)
      * ceilDiv(columns * tech.feedbackCellsPerEntry, tech.crossbarCols)
      * tech.feedbackSignedWeights.arraysPerWeight
    let transposed = layers.dropFirst().reduce(0) { $0 + $1.arrays }
    let duplicate = tech.architecture.transposeMode == .duplicate
    return NetworkMapping(
      layers: layers, feedbackColumns: columns, feedbackRows: network.errorSize,
      feedbackArrays: feedbackArrays,
      transposeDuplicateArrays: duplicate ? transposed : 0,
      transposePeripheralArrays: duplicate ? 0 : transposed)
  }

  /// ISAAC/PipeLayer balancing: while the budget allows, give the layer with the longest slot
  /// `ceil(P/G)` the smallest larger `G` that shortens it.
  static func balance(_ layers: inout [LayerMapping], budget: Int) {
    var total = layers.reduce(0) { $0 + $1.arrays }
    while true {
      guard let worst = layers.indices.max(by: { layers[$0].slotReads < layers[$1].slotReads }) else { return }
      let layer = layers[worst]
      let slot = layer.slotReads
      guard slot > 1 else { return }
      // Smallest G' with ceil(P/G') < slot, i.e. G' = ceil(P / (slot − 1)).
      let next = ceilDiv(layer.positions, slot - 1)
      let extra = (next - layer.replication) * layer.arraysPerCopy
      guard total + extra <= budget else { return }
      layers[worst].replication = next
      total += extra
    }
  }
}

@inline(__always)
func ceilDiv(_ a: Int, _ b: Int) -> Int { (a + b - 1) / b }
