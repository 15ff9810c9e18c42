/// The nine workloads of the paper's accuracy table, with the shapes, time steps and batch
/// sizes of the reference configs (research notes §1.2; HershelYen/Spiking-Direct-Feedback-Alignment
/// `conf/*/*.yml`, `model/model.py`, `model/vgg.py`). Training-set sizes are the datasets'
/// published train splits (Braille and N-Caltech101: approximate, they only scale epochs).
/// Voting networks (DVS, N-Caltech101) have `classes × 10` output neurons and a `B` of
/// `classes` rows. First-layer inputs take the technology's bits unless a trained run says
/// otherwise (the sensitivity spec states the encoding it assumes).
public enum PaperWorkloads {
  /// N-MNIST MLP with `layers` weight layers (2...5): 2312→1000, (1000→1000)×(n−2), 1000→10.
  public static func nmnistMLP(layers: Int) -> NetworkDescription {
    var shapes = [LayerShape.linear("fc1", 2312, 1000, feedback: true)]
    for i in 0..<max(layers - 2, 0) { shapes.append(.linear("fc\(i + 2)", 1000, 1000, feedback: true)) }
    shapes.append(.linear("fc\(layers)", 1000, 10, feedback: false))
    return NetworkDescription(
      name: "nmnist-mlp\(layers)", layers: shapes, timeSteps: 10, batchSize: 128, samplesPerEpoch: 60_000)
  }

  /// SHD MLP-B: 700→100→100→20, IF, T = 100, batch 64.
  public static let shdMLP = NetworkDescription(
    name: "shd-mlp3",
    layers: [.linear("fc1", 700, 100, feedback: true), .linear("fc2", 100, 100, feedback: true),
             .linear("fc3", 100, 20, feedback: false)],
    timeSteps: 100, batchSize: 64, samplesPerEpoch: 8_156)

  /// Braille MLP-B: 4→200→200→28, batch 64. The config's `T: 20` is unused for Braille: the
  /// reference feeds the data's 152 upsampled steps, one per time step; 1 080 training samples
  /// (80 % of 1 350).
  public static let brailleMLP = NetworkDescription(
    name: "braille-mlp3",
    layers: [.linear("fc1", 4, 200, feedback: true), .linear("fc2", 200, 200, feedback: true),
             .linear("fc3", 200, 28, feedback: false)],
    timeSteps: 152, batchSize: 64, samplesPerEpoch: 1_080)

  /// DVS Gesture ConvNet (c = 128) on 2×128×128: five conv/pool blocks, FC 2048→1024→110.
  public static let dvsConvNet: NetworkDescription = {
    var layers: [LayerShape] = []
    let channels = [2, 32, 64, 128, 128, 128]
    var side = 128
    for i in 0..<5 {
      layers.append(.conv("conv\(i + 1)", channels[i], channels[i + 1], height: side, width: side, pool: 2))
      side /= 2
    }
    layers.append(.linear("fc1", 128 * side * side, 1024, feedback: true))
    layers.append(.linear("fc2", 1024, 110, feedback: false))
    return NetworkDescription(
      name: "dvs-convnet", layers: layers, timeSteps: 30, batchSize: 8, samplesPerEpoch: 1_176, errorSize: 11)
  }()

  /// DVS Gesture VGG11 (c = 512) on 2×128×128, T = 30, batch 8.
  public static let dvsVGG11 = vgg11(name: "dvs-vgg11", height: 128, width: 128, classes: 11, batch: 8, samples: 1_176)

  /// N-Caltech101 VGG11 on 2×180×240, T = 30, batch 4.
  public static let ncaltechVGG11 = vgg11(name: "ncaltech-vgg11", height: 180, width: 240, classes: 101, batch: 4, samples: 7_000)

  /// The nine workloads in the order of the paper's table.
  public static var all: [NetworkDescription] {
    (2...5).map { nmnistMLP(layers: $0) } + [shdMLP, brailleMLP, dvsConvNet, dvsVGG11, ncaltechVGG11]
  }

  /// VGG11 with a voting output of `classes × 10` neurons; `B` has `classes` rows.
  static func vgg11(name: String, height: Int, width: Int, classes: Int, batch: Int, samples: Int) -> NetworkDescription {
    let plan: [(Int, Int, Bool)] = [
      (2, 64, true), (64, 128, true), (128, 256, false), (256, 256, true),
      (256, 512, false), (512, 512, true), (512, 512, false), (512, 512, true),
    ]
    var layers: [LayerShape] = []
    var h = height, w = width
    for (i, (cin, cout, pooled)) in plan.enumerated() {
      layers.append(.conv("conv\(i + 1)", cin, cout, height: h, width: w, pool: pooled ? 2 : 1))
      if pooled { h /= 2; w /= 2 }
    }
    layers.append(.linear("fc1", 512 * h * w, 4096, feedback: true))
    layers.append(.linear("fc2", 4096, 4096, feedback: true))
    layers.append(.linear("fc3", 4096, classes * 10, feedback: false))
    return NetworkDescription(
      name: name, layers: layers, timeSteps: 30, batchSize: batch, samplesPerEpoch: samples, errorSize: classes)
  }
}
