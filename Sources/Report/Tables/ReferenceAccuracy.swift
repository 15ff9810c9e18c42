/// A published accuracy pair to print beside ours. Accuracies are fractions in [0, 1].
public struct ReferenceAccuracy: Codable, Hashable, Sendable {
  public var dataset: String
  public var model: String
  public var setup: String?
  public var bp: Double
  public var sdfa: Double

  public init(dataset: String, model: String, setup: String? = nil, bp: Double, sdfa: Double) {
    self.dataset = dataset
    self.model = model
    self.setup = setup
    self.bp = bp
    self.sdfa = sdfa
  }

  /// Whether this reference describes `workload`: dataset, model and (when the reference
  /// has one) setup equal with case, spaces and punctuation ignored.
  public func matches(_ workload: Workload) -> Bool {
    Self.normalized(dataset) == Self.normalized(workload.dataset)
      && Self.normalized(model) == Self.normalized(workload.model)
      && (setup == nil || Self.normalized(setup!) == Self.normalized(workload.setup ?? ""))
  }

  static func normalized(_ s: String) -> String {
    String(s.lowercased().filter { $0.isLetter || $0.isNumber })
  }

  /// The paper's accuracy table (Ren et al., ICCAD 2025; as in the authors' README,
  /// github.com/HershelYen/Spiking-Direct-Feedback-Alignment). The paper's model names
  /// MLP-A/MLP-B are both `MLP` here; the setup tells them apart.
  public static let paper: [ReferenceAccuracy] = [
    .init(dataset: "N-MNIST", model: "MLP", setup: "2 FC", bp: 0.9852, sdfa: 0.9792),
    .init(dataset: "N-MNIST", model: "MLP", setup: "3 FC", bp: 0.9846, sdfa: 0.9797),
    .init(dataset: "N-MNIST", model: "MLP", setup: "4 FC", bp: 0.9838, sdfa: 0.9795),
    .init(dataset: "N-MNIST", model: "MLP", setup: "5 FC", bp: 0.9787, sdfa: 0.9782),
    .init(dataset: "SHD", model: "MLP", setup: "3 FC", bp: 0.7409, sdfa: 0.7329),
    .init(dataset: "Braille", model: "MLP", setup: "3 FC", bp: 0.9962, sdfa: 0.9926),
    .init(dataset: "DVS-Gesture", model: "ConvNet", setup: "5 Conv + 2 FC", bp: 0.9514, sdfa: 0.9375),
    .init(dataset: "DVS-Gesture", model: "VGG11", setup: "8 Conv + 3 FC", bp: 0.8892, sdfa: 0.9236),
    .init(dataset: "N-Caltech101", model: "VGG11", setup: "8 Conv + 3 FC", bp: 0.5953, sdfa: 0.6438),
  ]

  /// The paper's headline hardware ranges, PipeLayer over PipeSDFA.
  public static let paperTimeRatioRange: ClosedRange<Double> = 1.1...10.5
  public static let paperEnergyRatioRange: ClosedRange<Double> = 1.37...2.1
}
