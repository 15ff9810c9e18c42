extension TrainConfig {
  /// Why `ranks` data-parallel processes cannot share this training's batches over `samples`
  /// training samples, or nil: every rank needs at least one sample of every batch, the last
  /// partial one included.
  public func rankProblem(ranks: Int, samples: Int) -> String? {
    guard ranks > 1, samples > 0 else { return nil }
    if ranks > batchSize {
      return "train.ranks: \(ranks) is more than train.batch_size: \(batchSize): every rank needs at least one sample of "
        + "each batch; use at most \(batchSize) ranks, or a larger batch"
    }
    let batches = batchesPerEpoch(samples: samples)
    let trained = min(samples, batches * batchSize)
    let last = trained - (batches - 1) * batchSize
    if last < ranks {
      return "the last batch of each epoch has \(last) sample\(last == 1 ? "" : "s") (\(samples) training samples in "
        + "batches of \(batchSize)), fewer than train.ranks: \(ranks), and every rank needs at least one: set "
        + "train.drop_last: true, or use at most \(last) ranks"
    }
    return nil
  }
}
