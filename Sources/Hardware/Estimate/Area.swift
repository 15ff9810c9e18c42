/// Chip area from per-component areas: per array one crossbar, one shared ADC, a row driver
/// per row and a shift-add unit; a neuron unit per output column; PipeLayer's peripheral
/// transposes add an ADC and a driver per column to each transposed array.
enum Area {
  static func chipMm2(
    _ accelerator: Accelerator, network: NetworkDescription, mapping: NetworkMapping, technology tech: Technology
  ) -> Double? {
    guard let area = tech.area else { return nil }
    let perArray = area.crossbarUm2 + area.adcUm2 + Double(tech.crossbarRows) * area.dacUm2 + area.shiftAddUm2
    var um2 = Double(mapping.weightArrays) * perArray
    um2 += network.layers.reduce(0.0) { $0 + Double($1.outFeatures) * area.neuronUm2 }
    switch accelerator {
    case .pipeLayer:
      um2 += Double(mapping.transposeDuplicateArrays) * perArray
      um2 += Double(mapping.transposePeripheralArrays) * (area.adcUm2 + Double(tech.crossbarCols) * area.dacUm2)
    case .pipeSDFA:
      um2 += Double(mapping.feedbackArrays) * perArray
    }
    return um2 * 1e-6
  }
}
