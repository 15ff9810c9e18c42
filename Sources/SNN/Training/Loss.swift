/// Loss of an output rate against labels, and its gradient with respect to the rate.
public enum LossFunction {
  /// Mean loss over the batch and `e = dLoss/dRate` (`[B, classes]`), as PyTorch's
  /// `F.mse_loss(rate, one_hot)` (mean over B·classes) or `F.cross_entropy(rate, label)`.
  ///
  /// `batchSize` (default: the rows of `rate`) is the batch the gradient is the mean over: a
  /// data-parallel rank holding a share of a batch passes the whole batch's size, so that
  /// the ranks' gradients add up to the batch's (each row's bits as one process computes them).
  public static func evaluate(_ loss: TrainConfig.Loss, rate: Tensor, labels: [Int], batchSize: Int? = nil) -> (
    loss: Double, gradient: Tensor
  ) {
    let (b, c) = rate.matrixShape
    precondition(labels.count == b, "\(labels.count) labels for \(b) rows")
    let normaliser = batchSize ?? b
    var grad = Tensor(shape: [b, c])
    var total = 0.0
    rate.withUnsafeBufferPointer { r in
      grad.withUnsafeMutableBufferPointer { g in
        switch loss {
        case .mse:
          let scale = 2 / Float(normaliser * c)
          for i in 0..<b {
            for j in 0..<c {
              let d = r[i * c + j] - (labels[i] == j ? 1 : 0)
              total += Double(d * d)
              g[i * c + j] = d * scale
            }
          }
          total /= Double(b * c)
        case .crossEntropy:
          for i in 0..<b {
            let row = (0..<c).map { Double(r[i * c + $0]) }
            let mx = row.max() ?? 0
            let exps = row.map { _exp($0 - mx) }
            let z = exps.reduce(0, +)
            total += _log(z) + mx - row[labels[i]]
            for j in 0..<c {
              g[i * c + j] = Float((exps[j] / z - (labels[i] == j ? 1 : 0)) / Double(normaliser))
            }
          }
          total /= Double(b)
        }
      }
    }
    return (total, grad)
  }

  /// Number of rows whose argmax (ties to the lowest index) equals the label.
  public static func correctCount(rate: Tensor, labels: [Int]) -> Int {
    zip(rate.argmaxRows(), labels).filter { $0 == $1 }.count
  }
}
