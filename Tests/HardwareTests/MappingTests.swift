import Testing
@testable import Hardware

/// Mapping against the research notes' hand-worked examples (§2.3) under the defaults:
/// 128×128 arrays, 8-bit weights in 2-bit cells (n_c = 4), differential pairs (p = 2).
@Suite struct MappingTests {
  let tech = Technology.isaac32nm

  @Test func nmnistTwoLayerGives1216Plus16WeightArraysAnd16FeedbackArrays() {
    let m = Mapping.map(PaperWorkloads.nmnistMLP(layers: 2), technology: tech)
    // fc1: R = ceil(2312/128) = 19, K = ceil(1000·4/128) = 32, A = 19·32·2.
    #expect(m.layers[0].rowTiles == 19)
    #expect(m.layers[0].colTiles == 32)
    #expect(m.layers[0].arrays == 1216)
    // fc2: R = ceil(1000/128) = 8, K = ceil(10·4/128) = 1, A = 16.
    #expect(m.layers[1].arrays == 16)
    #expect(m.weightArrays == 1232)
    // B: 10 × 1000, one cell per entry, differential: 1 · ceil(1000/128) · 2.
    #expect(m.feedbackColumns == 1000)
    #expect(m.feedbackArrays == 16)
    #expect(m.transposePeripheralArrays == 16)
    #expect(m.transposeDuplicateArrays == 0)
  }

  @Test func dvsConvNetGives1286WeightArraysAnd2048FeedbackArrays() {
    let m = Mapping.map(PaperWorkloads.dvsConvNet, technology: tech)
    #expect(m.layers.map(\.arrays) == [2, 12, 40, 72, 72, 1024, 64])
    #expect(m.layers[0].rows == 18)  // Cin·k·k = 2·3·3
    #expect(m.layers[0].positions == 128 * 128)
    #expect(m.weightArrays == 1286)
    #expect(m.feedbackColumns == 32 * 64 * 64)  // first block, after the pool
    #expect(m.feedbackRows == 11)  // B is [classes, F_max]: 11 rows, not the 110 voting neurons
    #expect(m.feedbackArrays == 2048)
  }

  @Test func ncaltechVGG11Gives50588WeightArraysAnd10800FeedbackArrays() {
    let m = Mapping.map(PaperWorkloads.ncaltechVGG11, technology: tech)
    #expect(m.layers.map(\.arrays) == [4, 40, 144, 288, 576, 1152, 1152, 1152, 35840, 8192, 2048])
    #expect(m.layers[8].rows == 17_920)
    #expect(m.weightArrays == 50_588)
    #expect(m.feedbackColumns == 691_200)
    // 101 class rows fit one row tile: 1 · ⌈691 200 / 128⌉ · 2 (1 010 voting rows would need 8).
    #expect(m.feedbackArrays == 10_800)
  }

  @Test func dvsVGG11FeedbackMatrixIs11By262144() {
    let m = Mapping.map(PaperWorkloads.dvsVGG11, technology: tech)
    #expect(m.feedbackColumns == 262_144)
    #expect(m.feedbackArrays == 4096)
  }

  @Test func perLayerFeedbackStoresTheSumOfFeedbackSizes() {
    var t = tech
    t.architecture.feedbackMatrix = .perLayer
    let net = PaperWorkloads.nmnistMLP(layers: 4)
    let m = Mapping.map(net, technology: t)
    #expect(m.feedbackColumns == 3000)
    #expect(m.feedbackArrays == 1 * 24 * 2)  // ceil(3000/128) = 24
  }

  @Test func duplicateTransposeCopiesEveryLayerButTheFirst() {
    var t = tech
    t.architecture.transposeMode = .duplicate
    let m = Mapping.map(PaperWorkloads.nmnistMLP(layers: 3), technology: t)
    #expect(m.transposeDuplicateArrays == m.layers[1].arrays + m.layers[2].arrays)
    #expect(m.pipeLayerArrays == m.weightArrays + m.transposeDuplicateArrays)
    #expect(m.transposePeripheralArrays == 0)
  }

  @Test func offsetSchemeHalvesTheArrays() {
    var t = tech
    t.signedWeights = .offset
    let m = Mapping.map(PaperWorkloads.nmnistMLP(layers: 2), technology: t)
    #expect(m.weightArrays == 1232 / 2)
  }

  @Test func utilisationCountsUsedCellsOverArrayCells() {
    let m = Mapping.map(PaperWorkloads.nmnistMLP(layers: 2), technology: tech)
    let expected = Double(2312 * 1000 * 4 * 2) / Double(1216 * 128 * 128)
    #expect(abs(m.layers[0].utilization - expected) < 1e-12)
    #expect(m.utilization > 0 && m.utilization <= 1)
  }

  @Test(arguments: [1.0, 1.5, 2, 4])
  func balancedReplicationShortensTheLongestSlotWithinTheBudget(factor: Double) {
    var t = tech
    let base = Mapping.map(PaperWorkloads.dvsConvNet, technology: t)
    t.architecture.replication = .balanced
    t.architecture.arrayBudget = Int(Double(base.weightArrays) * factor)
    let m = Mapping.map(PaperWorkloads.dvsConvNet, technology: t)
    #expect(m.weightArrays <= t.architecture.arrayBudget)
    #expect(m.layers.map(\.slotReads).max()! <= base.layers.map(\.slotReads).max()!)
    if factor >= 1.5 { #expect(m.layers.map(\.slotReads).max()! < base.layers.map(\.slotReads).max()!) }
    // Linear layers have one position and are never replicated.
    #expect(m.layers.filter { $0.positions == 1 }.allSatisfy { $0.replication == 1 })
  }
}
