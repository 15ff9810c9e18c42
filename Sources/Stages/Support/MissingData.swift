import Events

/// Where each original dataset comes from, for the message when its folder is missing: shared
/// by the `load` stage and `sdfa data check`.
public enum MissingData {
  /// `dataset folder 'ROOT' does not exist. Download …`, with the synthetic stand-in to use
  /// instead.
  /// `written`: the spec's value and why it means `root` (``ResolvedPath/description``).
  public static func message(_ kind: DatasetKind, root: String, written: String? = nil) -> String {
    let source: String
    switch kind {
    case .nmnist: source = "N-MNIST (Orchard et al. 2015): extract Train.zip and Test.zip (or leave the zips) in it"
    case .ncaltech101: source = "N-Caltech101 (Orchard et al. 2015): extract Caltech101.zip in it"
    case .dvsgesture: source = "DVS128 Gesture (Amir et al. 2017): extract DvsGesture.tar.gz in it"
    case .shd: source = "the Spiking Heidelberg Digits (Cramer et al. 2020): unzip shd_train.h5.zip and shd_test.h5.zip in it"
    case .braille: source = "the Braille letters tutorial data (Müller-Cleve et al. 2022): put tutorial5_braille_spiking_data.pkl.gz in it"
    }
    return """
      dataset folder '\(root)' does not exist\(written.map { " (\($0))" } ?? ""). Download \(source) (or set SDFA_DATA to where it is). \
      To run without it: --set dataset.kind=synthetic --set dataset.like=\(kind.rawValue)
      """
  }
}
