import Events
import Foundation
import Stages
import Testing
import ZIPFoundation

/// `sdfa data check` on N-MNIST files the tests write, and on the real Braille file.
@Suite struct DataCheckTests {
  /// Samples per (split, digit) of the small N-MNIST tree.
  static let counts: [DatasetSplit: [Int]] = [.train: [2, 3, 1], .test: [1, 1, 2]]

  /// `Train/<digit>/NNNNN.bin` and `Test/<digit>/NNNNN.bin` in the ATIS format.
  static func writeNMNIST(in scratch: Scratch) throws {
    for (split, perDigit) in counts {
      for (digit, n) in perDigit.enumerated() {
        for k in 0..<n {
          let sample = SyntheticDataset.sample(like: .nmnist, label: digit, split: split, index: k, seed: 1, eventsPerSample: 200)
          let folder = split == .train ? "Train" : "Test"
          try scratch.write(ATISBinary.encode(sample), to: "nmnist/\(folder)/\(digit)/\(String(format: "%05d", k)).bin")
        }
      }
    }
  }

  /// The table row of a class: its cells split on runs of spaces.
  static func row(_ output: String, label: Int) -> [String]? {
    output.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }.first { $0.first == String(label) && $0.count == 5 }
  }

  @Test func countsPerSplitAndClass() throws {
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    try Self.writeNMNIST(in: scratch)
    let result = try SDFAProcess.run(["data", "check", "nmnist", "nmnist"], in: scratch.url)
    #expect(result.status == 0, "\(result.err)")
    #expect(result.out.hasPrefix("nmnist at nmnist: 10 samples (6 train, 4 test), 3 classes (spikingjelly order),"))
    #expect(result.out.contains("34×34 camera"))
    for digit in 0..<3 {
      let cells = try #require(Self.row(result.out, label: digit), "\(result.out)")
      #expect(cells[1] == String(digit))
      #expect(cells[2] == String(Self.counts[.train]![digit]) && cells[3] == String(Self.counts[.test]![digit]))
    }
    let total = result.out.split(separator: "\n").first { $0.contains("total") }.map { $0.split(separator: " ").map(String.init) }
    #expect(total.map { Array($0.prefix(3)) } == ["total", "6", "4"])
  }

  @Test func theSameFilesInsideTrainZipAndTestZipCountTheSame() throws {
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    try Self.writeNMNIST(in: scratch)
    let tree = scratch.url.appendingPathComponent("nmnist")
    let zipped = scratch.url.appendingPathComponent("zipped")
    try FileManager.default.createDirectory(at: zipped, withIntermediateDirectories: true)
    for (split, perDigit) in Self.counts {
      let folder = split == .train ? "Train" : "Test"
      let archive = try Archive(url: zipped.appendingPathComponent("\(folder).zip"), accessMode: .create)
      for (digit, n) in perDigit.enumerated() {
        for k in 0..<n {
          try archive.addEntry(with: "\(folder)/\(digit)/\(String(format: "%05d", k)).bin", relativeTo: tree, compressionMethod: .deflate)
        }
      }
    }
    let fromTree = try SDFAProcess.run(["data", "check", "nmnist", "nmnist"], in: scratch.url)
    let fromZips = try SDFAProcess.run(["data", "check", "nmnist", "zipped"], in: scratch.url)
    #expect(fromZips.status == 0, "\(fromZips.err)")
    #expect(fromZips.out == fromTree.out.replacingOccurrences(of: "nmnist at nmnist:", with: "nmnist at zipped:"))
  }

  @Test func aTruncatedFileIsNamedWithItsByteOffsetAndFails() throws {
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    try Self.writeNMNIST(in: scratch)
    let victim = scratch.url.appendingPathComponent("nmnist/Train/1/00002.bin")
    var bytes = Array(try Data(contentsOf: victim))
    let records = bytes.count / 5
    bytes.removeLast(2)
    try Data(bytes).write(to: victim)
    let result = try SDFAProcess.run(["data", "check", "nmnist", "nmnist"], in: scratch.url)
    #expect(result.status == 1)
    #expect(result.err.contains("Train/1/00002.bin: byte \((records - 1) * 5): error: truncated event (3 of 5 bytes)"), "\(result.err)")
    #expect(result.err.contains("nmnist at nmnist: check failed"))
    #expect(result.out.isEmpty)
  }

  @Test func anEventOutsideTheSensorIsNamedWithItsByteOffset() throws {
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    try Self.writeNMNIST(in: scratch)
    let victim = scratch.url.appendingPathComponent("nmnist/Test/2/00001.bin")
    var bytes = Array(try Data(contentsOf: victim))
    bytes[5 * 7] = 200  // x of the eighth event
    try Data(bytes).write(to: victim)
    let result = try SDFAProcess.run(["data", "check", "nmnist", "nmnist"], in: scratch.url)
    #expect(result.status == 1)
    #expect(result.err.contains("Test/2/00001.bin: byte 35: error: event (x 200, y "), "\(result.err)")
  }

  @Test(arguments: DatasetKind.allCases)
  func aMissingRootSaysWhereToGetTheDataset(kind: DatasetKind) throws {
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    let result = try SDFAProcess.run(["data", "check", kind.rawValue, "no/such/folder"], in: scratch.url)
    #expect(result.status == 1)
    #expect(result.err.contains(MissingData.message(kind, root: "no/such/folder")), "\(result.err)")
  }

  @Test func anUnknownKindListsTheKinds() throws {
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    let result = try SDFAProcess.run(["data", "check", "mnist", "."], in: scratch.url)
    #expect(result.status != 0)
    #expect(result.err.contains("nmnist") && result.err.contains("braille"))
  }

  static let realBraille = SDFAProcess.packageRoot.appendingPathComponent("../shared/realdata/braille").standardizedFileURL

  @Test(.enabled(if: FileManager.default.fileExists(atPath: realBraille.appendingPathComponent("tutorial5_braille_spiking_data.pkl.gz").path),
                 "the real Braille file is not in ../shared/realdata/braille: skipped"))
  func theRealBrailleFile() throws {
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    let result = try SDFAProcess.run(["data", "check", "braille", Self.realBraille.path], in: scratch.url)
    #expect(result.status == 0, "\(result.err)")
    #expect(result.out.contains(": 1,350 samples ("), "\(result.out)")
    #expect(result.out.contains(", 27 classes (spikingjelly order),"))
    #expect(result.out.contains("4 channels"))
    // 50 recordings per letter, split 80/20 at random: every class in both splits.
    let rows = (0..<27).compactMap { Self.row(result.out, label: $0) }
    #expect(rows.count == 27)
    #expect(rows.allSatisfy { (Int($0[2]) ?? 0) + (Int($0[3]) ?? 0) == 50 })
  }
}
