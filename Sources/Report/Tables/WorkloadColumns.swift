/// The paper's descriptive fields (dataset, classes, neuron, model, setup) split into those
/// that vary across a table's rows (columns) and those that do not (one phrase for the
/// caption), so that a sweep's table shows what the user swept, not the same five labels on
/// every row.
struct WorkloadColumns {
  struct Field: Sendable {
    var header: String
    var key: String
    var alignment: Table.Alignment
    var value: @Sendable (Workload) -> String?
    var phrase: @Sendable (String) -> String
  }

  static let fields: [Field] = [
    Field(header: "Dataset", key: "dataset", alignment: .left, value: { $0.dataset }, phrase: { $0 }),
    Field(header: "Classes", key: "classes", alignment: .right, value: { $0.classes.map(String.init) }, phrase: { "\($0) classes" }),
    Field(header: "Neuron", key: "neuron", alignment: .left, value: { $0.neuron }, phrase: { "\($0) neurons" }),
    Field(header: "Model", key: "model", alignment: .left, value: { $0.model }, phrase: { $0 }),
    Field(header: "Setup", key: "setup", alignment: .left, value: { $0.setup }, phrase: { $0 }),
  ]

  /// Fields whose value differs between `workloads`.
  var varying: [Field]
  /// `N-MNIST (synthetic), 10 classes, LIF neurons, MLP, 2 FC`; nil when nothing is fixed.
  var fixedPhrase: String?

  init(_ workloads: [Workload?]) {
    var varying: [Field] = []
    var fixed: [String] = []
    for field in Self.fields {
      let values = workloads.map { $0.flatMap(field.value) }
      var distinct: [String?] = []
      for v in values where !distinct.contains(v) { distinct.append(v) }
      if distinct.count > 1 {
        varying.append(field)
      } else if let only = distinct.first, let value = only {
        fixed.append(field.phrase(value))
      }
    }
    self.varying = varying
    fixedPhrase = fixed.isEmpty ? nil : fixed.joined(separator: ", ")
  }

  var columns: [Table.Column] { varying.map { Table.Column($0.header, key: $0.key, alignment: $0.alignment) } }

  func cells(_ workload: Workload?) -> [Table.Cell] {
    varying.map { field in workload.flatMap(field.value).map(Table.Cell.text) ?? .missing }
  }

  /// The caption sentence: `Fixed across runs: N-MNIST (synthetic), 10 classes, …; tau = 2.`
  static func fixedSentence(_ workload: WorkloadColumns, layout: SweepLayout) -> String? {
    let parts = [workload.fixedPhrase, layout.constantPhrase].compactMap { $0 }
    return parts.isEmpty ? nil : "Fixed across runs: " + parts.joined(separator: "; ") + "."
  }
}
