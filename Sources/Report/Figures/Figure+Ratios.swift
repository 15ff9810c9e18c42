extension Figure {
  /// Time and energy ratios (baseline over proposed) per workload, with a dashed line at 1
  /// and the paper's reported ranges shaded behind the bars.
  public static func ratios(
    _ workloads: [WorkloadHardware], baseline: String = "pipelayer", proposed: String = "pipesdfa",
    baselineName: String = "PipeLayer", proposedName: String = "PipeSDFA", showPaperRanges: Bool = true,
    provenance: ProvenanceSummary? = nil, identifier: String = "hardware-ratios"
  ) -> Figure {
    let groups = workloads.map { workloadLabel($0.workload, coordinates: $0.coordinates) }
    let groupWidth = max(96.0, (groups.flatMap { $0 }.map { SVG.textWidth($0, size: 10) }.max() ?? 0) + 12)
    let frame = PlotFrame(left: 72, top: 16, width: groupWidth * Double(max(groups.count, 1)), height: 280)
    let title = "\(baselineName) over \(proposedName): time and energy ratios"
    let width = figureWidth(plotRight: frame.right, legend: ["paper, energy: 1.37–2.1×"], title: title)
    var svg = SVG(width: width, height: frame.bottom + 60)

    let time = workloads.map { BarValue(value: $0.timeRatio(baseline: baseline, proposed: proposed)) }
    let energy = workloads.map { BarValue(value: $0.energyRatio(baseline: baseline, proposed: proposed)) }
    let timeRange = ReferenceAccuracy.paperTimeRatioRange, energyRange = ReferenceAccuracy.paperEnergyRatioRange
    var top = (time + energy).compactMap(\.value).filter(\.isFinite).max() ?? 1
    if showPaperRanges { top = max(top, timeRange.upperBound) }
    let axis = Axis(min: 0, max: max(top, 1))
    let colors = ("#56B4E9", "#E69F00")
    if showPaperRanges {
      svg.open("g", [("class", "paper-range")])
      for (range, color) in [(timeRange, colors.0), (energyRange, colors.1)] {
        let y0 = frame.y(range.lowerBound, axis), y1 = frame.y(range.upperBound, axis)
        svg.rect(x: frame.left, y: y1, width: frame.width, height: y0 - y1, [("fill", color), ("fill-opacity", "0.15")])
      }
      svg.close("g")
    }
    let series = [
      BarSeries(label: "time", color: colors.0, values: time),
      BarSeries(label: "energy", color: colors.1, values: energy),
    ]
    _ = drawGroupedBars(groups: groups, series: series, axis: axis, frame: frame, yTitle: "\(baselineName) / \(proposedName) (×)", into: &svg)
    let one = frame.y(1, axis)
    svg.line(x1: frame.left, y1: one, x2: frame.right, y2: one, [("class", "parity"), ("stroke", "#333333"), ("stroke-dasharray", "4 3")])
    var legend = [LegendEntry(label: "time ratio", color: colors.0), LegendEntry(label: "energy ratio", color: colors.1)]
    if showPaperRanges {
      legend.append(LegendEntry(label: "paper, time: \(NumberText.significant(timeRange.lowerBound, 2))–\(NumberText.significant(timeRange.upperBound, 3))×", color: colors.0, opacity: 0.25))
      legend.append(LegendEntry(label: "paper, energy: \(NumberText.significant(energyRange.lowerBound, 3))–\(NumberText.significant(energyRange.upperBound, 2))×", color: colors.1, opacity: 0.25))
    }
    drawLegend(legend, x: frame.right + 20, y: frame.top + 4, into: &svg)
    let description = "\(title) per workload; above 1 \(proposedName) is better; dashed line at 1."
    return Figure(identifier: identifier, title: title, svg: svg.document(title: title, description: description), caption: caption(description, provenance, title: title))
  }
}
