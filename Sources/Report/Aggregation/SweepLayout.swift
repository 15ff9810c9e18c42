/// How a spec's sweep shapes its tables and figures: which axes vary (one column each, in
/// axis order), which are constant (stated once, in the caption), and which axis is the
/// pivot whose values sit side by side (BP | SDFA | Δ).
///
/// ```swift
/// let layout = SweepLayout(records: records, paths: ["tau": "model.neuron.tau", "method": "train.method"])
/// layout.pivot?.label          // "method" (train.method is swept)
/// layout.rowAxes.map(\.label)  // ["tau"]
/// ```
public struct SweepLayout: Codable, Hashable, Sendable {
  /// One swept axis as the records show it.
  public struct Dimension: Codable, Hashable, Sendable {
    /// The coordinate's axis name (`tau`; the `sweep_labels:` name where the spec gives one).
    public var label: String
    /// The spec path (`model.neuron.tau`), where known.
    public var path: String?
    /// Values in order of first appearance (the sweep's declared order).
    public var values: [String]

    /// Every value reads as a number: the axis gets a metric-versus-axis plot.
    public var isNumeric: Bool { !values.isEmpty && values.allSatisfy { Double($0) != nil } }

    /// The header of its column: the label, as is.
    public var header: String { label }
  }

  /// Swept axes other than the seed, in axis order.
  public var axes: [Dimension]
  /// The axis whose values become side-by-side columns; nil when none is swept.
  public var pivot: Dimension?
  public var seedAxis: String

  /// - Parameters:
  ///   - paths: spec path by axis label, for matching `pivot` given as a path.
  ///   - pivot: the pivot axis by label or path; nil takes `train.method` (label `method`)
  ///     where it is swept. An axis with one value is never a pivot.
  public init(records: [RunRecord], paths: [String: String] = [:], pivot: String? = nil, seedAxis: String = "seed") {
    var order: [String] = []
    var values: [String: [String]] = [:]
    for record in records {
      for c in record.coordinates where c.axis != seedAxis {
        if values[c.axis] == nil { order.append(c.axis) }
        if !(values[c.axis]?.contains(c.value) ?? false) { values[c.axis, default: []].append(c.value) }
      }
    }
    axes = order.map { Dimension(label: $0, path: paths[$0], values: values[$0]!) }
    self.seedAxis = seedAxis
    let wanted = pivot ?? "train.method"
    let candidate = axes.first { $0.label == wanted || $0.path == wanted }
      ?? (pivot == nil ? axes.first { $0.label == "method" && $0.path == nil } : nil)
    self.pivot = candidate.flatMap { $0.values.count > 1 ? $0 : nil }
  }

  /// Axes that vary and are not the pivot: one table column each.
  public var rowAxes: [Dimension] { axes.filter { $0.values.count > 1 && $0.label != pivot?.label } }

  /// Axes with a single value: stated once.
  public var constantAxes: [Dimension] { axes.filter { $0.values.count == 1 } }

  /// Whether the pivot is the method axis with BP and SDFA among its values (the paper's layout).
  public var pivotIsMethod: Bool {
    guard let pivot else { return false }
    return (pivot.path == "train.method" || pivot.label == "method") && pivot.values.contains("bp") && pivot.values.contains("sdfa")
  }

  /// How a pivot value heads its column: methods in capitals (`BP`), other values as
  /// `tau=2`.
  public func pivotHeader(_ value: String) -> String {
    guard let pivot else { return value }
    return pivot.path == "train.method" || pivot.label == "method" ? value.uppercased() : "\(pivot.label)=\(value)"
  }

  /// The Δ column's pair (later minus earlier): `sdfa − bp` for the method axis, the last
  /// value minus the first for any other two-valued pivot; nil otherwise.
  public var deltaPair: (from: String, to: String)? {
    guard let pivot else { return nil }
    if pivotIsMethod { return ("bp", "sdfa") }
    return pivot.values.count == 2 ? (pivot.values[0], pivot.values[1]) : nil
  }

  /// The row key of coordinates: the row axes' values in axis order.
  public func rowKey(_ coordinates: [Coordinate]) -> [Coordinate] {
    rowAxes.compactMap { axis in coordinates.first { $0.axis == axis.label } }
  }

  /// `tau = 2, hidden = 256`: the constant axes as a phrase; nil when there are none.
  public var constantPhrase: String? {
    let parts = constantAxes.map { "\($0.label) = \($0.values[0])" }
    return parts.isEmpty ? nil : parts.joined(separator: ", ")
  }
}

extension Coordinate {
  /// `tau = 2`: how captions and figure labels show a coordinate.
  public var readable: String { "\(axis) = \(value)" }
}
