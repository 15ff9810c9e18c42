import Foundation
import Pipeline

/// Toy stage kinds with the shape of the real pipeline (load → bin → train → map → energy,
/// one report). Each hashes its params and its inputs' outputs into `out.txt`, optionally
/// writing `bytes` more in chunks with `work_ms` of sleep spread between them (a window for
/// the crash tests to kill it mid-write), or failing when `fail: true`.
public struct ToyStage: Stage {
  public let kind: String
  public let version = 1
  let owned: String?
  let triggerSection: String?
  public let reads: [String]
  public let consumes: [String]
  public let scope: StageScope

  public var sections: [String: Schema] {
    guard let owned else { return [:] }
    return [owned: .object([
      .init("kind", .choice(["toy"]), default: "toy"),
      .init("config", .string, default: "c"),
      .init("scale", .number(), default: 1),
      .init("bins", .integer(min: 1), default: 10),
      .init("lr", .positiveNumber, default: 0.01),
      .init("hw", .string, default: "hw0"),
      .init("vdd", .positiveNumber, default: 0.8),
      .init("bytes", .integer(min: 0), default: 0),
      .init("work_ms", .integer(min: 0), default: 0),
      .init("fail", .boolean, default: false),
      .init("threads", .integer(min: 1, max: 64), default: 1),
    ])]
  }

  public var trigger: String? { triggerSection }

  public func threads(for params: SpecValue) -> Int {
    reads.compactMap { params[path: $0]?[path: "threads"]?.intValue }.first ?? 1
  }

  public func run(_ context: StageContext) throws {
    let section = reads.compactMap { context.params[path: $0]?.objectValue }.first ?? [:]
    if section["fail"]?.boolValue == true {
      context.log("failing as the spec asks (fail: true)")
      throw StageFailure("toy \(kind) failed as asked (fail: true)")
    }
    var material = "\(kind)\n\(context.params.canonicalJSON)\n"
    for role in context.inputOrder {
      let data = try Data(contentsOf: context.input(role).appendingPathComponent("out.txt"))
      material += "\(role):\(String(decoding: data, as: UTF8.self))"
    }
    let bytes = section["bytes"]?.intValue ?? 0
    let workMs = section["work_ms"]?.intValue ?? 0
    let chunks = max(1, min(16, bytes / 4096))
    if bytes > 0 || workMs > 0 {
      _ = FileManager.default.createFile(atPath: context.outputDirectory.appendingPathComponent("payload.bin").path, contents: nil)
      let handle = try FileHandle(forWritingTo: context.outputDirectory.appendingPathComponent("payload.bin"))
      let seed = Digest.sha256(material)
      for chunk in 0..<chunks {
        try context.checkCancellation()
        let size = bytes / chunks + (chunk < bytes % chunks ? 1 : 0)
        let block = Data(String(repeating: seed, count: size / 64 + 1).utf8.prefix(size))
        try handle.write(contentsOf: block)
        context.progress(Double(chunk + 1) / Double(chunks), "chunk \(chunk + 1)/\(chunks)")
        if workMs > 0 { usleep(useconds_t(workMs * 1000 / chunks)) }
      }
      try handle.close()
    }
    try context.write(Data((Digest.sha256(material) + "\n").utf8), to: "out.txt")
  }
}

/// The toy kinds, registered like the real ones.
public let toyRegistry = StageRegistry([
  ToyStage(kind: "load", owned: "dataset", triggerSection: "dataset", reads: ["dataset"], consumes: [], scope: .perPoint),
  ToyStage(kind: "bin", owned: "frames", triggerSection: "frames", reads: ["frames"], consumes: ["load"], scope: .perPoint),
  ToyStage(kind: "train", owned: "train", triggerSection: "train", reads: ["train", "seed"], consumes: ["bin"], scope: .perPoint),
  ToyStage(kind: "map", owned: "hardware", triggerSection: "hardware", reads: ["hardware.hw"], consumes: ["train"], scope: .perPoint),
  ToyStage(kind: "energy", owned: nil, triggerSection: "hardware", reads: ["hardware.vdd"], consumes: ["map"], scope: .perPoint),
  ToyStage(kind: "report", owned: nil, triggerSection: nil, reads: ["name", "points"], consumes: [], scope: .perSpec),
])
