import Foundation

extension Spec {
  /// Applies `sweep_labels: {model.neuron.tau: tau_m}`: the short name an axis goes by in
  /// point ids, table columns and figure labels, instead of its path's last component.
  ///
  /// Each key must be a swept path; each name must be a plain string, distinct from the other
  /// axes' names and from `seed`.
  static func applySweepLabels(_ node: SpecNode, to axes: inout [SweepAxis], errors: inout [SpecError]) {
    guard let entries = node.entries else {
      errors.append(SpecError(node.location, "'sweep_labels' must map swept paths to short names",
                              hint: "for example: sweep_labels: {model.neuron.tau: tau_m}"))
      return
    }
    for entry in entries {
      guard let i = axes.firstIndex(where: { $0.path == entry.key }) else {
        let swept = axes.map { "'\($0.path)'" }.joined(separator: ", ")
        errors.append(SpecError(entry.keyLocation, "sweep_labels names '\(entry.key)', which is not a swept path",
                                hint: swept.isEmpty ? "add the path to 'sweep:', or remove the label" : "label one of \(swept)"))
        continue
      }
      guard case .scalar(let text, _) = entry.value.kind, !text.trimmingCharacters(in: .whitespaces).isEmpty else {
        errors.append(SpecError(entry.value.location, "the label of '\(entry.key)' must be a short name, found \(entry.value.shapeDescription)",
                                hint: "write \(entry.key): \(axes[i].label)"))
        continue
      }
      let label = escapeLabel(text)
      if label == "seed" || axes.enumerated().contains(where: { $0.offset != i && $0.element.label == label }) {
        errors.append(SpecError(entry.value.location, "the label '\(text)' of '\(entry.key)' is already the name of another axis",
                                hint: "choose a name no other axis (nor the seed) has"))
        continue
      }
      axes[i].label = label
    }
  }
}
