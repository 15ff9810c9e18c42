extension Technology {
  /// The default technology, mirroring `experiments/hardware/rram-32nm.yml` (ISAAC-like
  /// 32 nm periphery, MNSIM write parameters). The yml file cites each value's source; a test
  /// keeps the two in step.
  public static let isaac32nm = Technology(
    name: "rram-32nm", nodeNm: 32,
    crossbarRows: 128, crossbarCols: 128, cellBits: 2, weightBits: 8, errorBits: 8, stateBits: 8,
    firstLayerInputBits: 8,
    signedWeights: .differential, feedbackCellsPerEntry: 1, feedbackSignedWeights: .differential,
    readCycleNs: 100, digitalClockGhz: 1.28, gradientAddersPerArray: 128,
    crossbarReadPj: 30, adcPj: 1.5625, adcBits: 8, sampleHoldPj: 0.001, dacPj: 0.39,
    shiftAddPj: 0.04, neuronPj: 1.27, addPj: 0.05, multiplyPj: 0.2,
    bufferPjPerBit: 0.1, dataMovementPjPerBit: 0.5,
    writeVoltageV: 3, writePulseNs: 10, writeConductanceUs: 50.5, pulsesPerLevel: 1, maxPulsesPerRow: 4,
    staticPowerMw: 0,
    area: AreaParameters(crossbarUm2: 25, adcUm2: 1200, dacUm2: 0.166, shiftAddUm2: 60, neuronUm2: 300),
    architecture: Architecture())
}
