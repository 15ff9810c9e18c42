// snnbench: training samples/s of the SNN engine on the peer's workloads (spikingjelly,
// ../shared/bench/peer_snn), optionally running the peer side by side, serially.
//
//   swift build -c release --product snnbench
//   .build/release/snnbench --workload mlpa --method bp,sdfa --density 0.05,0.15 --threads 1,2
//   .build/release/snnbench ... --peer-python /path/to/venv/bin/python \
//       --peer-script ../shared/bench/peer_snn/bench_spikingjelly.py
//   .build/release/snnbench --memory vgg11-dvs --method sdfa --steps 1   (MemoryBench.swift)
import Foundation
import SNN

struct Workload {
  var name: String
  var sizes: [Int]
  var neuron: NeuronConfig.Kind
  var steps: Int
  var batch: Int
  /// Dense-equivalent GFLOP per training step (GEMMs only, as the peer counts), per method.
  func gflop(_ method: TrainConfig.Method) -> Double {
    let rows = Double(steps * batch)
    var total = 0.0
    for l in 0..<(sizes.count - 1) {
      let mac = rows * Double(sizes[l]) * Double(sizes[l + 1])
      total += 2 * mac * 2  // forward + dW
      if method == .bp && l > 0 { total += 2 * mac }  // dX
    }
    if method == .sdfa {
      total += 2 * Double(batch) * Double(sizes.last!) * Double(sizes.dropFirst().dropLast().reduce(0, +))
    }
    return total / 1e9
  }
}

let workloads: [String: Workload] = [
  "mlpa": Workload(name: "mlpa", sizes: [2312, 1000, 10], neuron: .lif, steps: 10, batch: 128),
  "mlp3": Workload(name: "mlp3", sizes: [2312, 1000, 1000, 10], neuron: .lif, steps: 10, batch: 128),
  "mlp4": Workload(name: "mlp4", sizes: [2312, 1000, 1000, 1000, 10], neuron: .lif, steps: 10, batch: 128),
  "mlp5": Workload(name: "mlp5", sizes: [2312, 1000, 1000, 1000, 1000, 10], neuron: .lif, steps: 10, batch: 128),
  "shd": Workload(name: "shd", sizes: [700, 100, 100, 20], neuron: .if, steps: 100, batch: 64),
]

/// The peer's figures recorded on an idle machine (2 threads, 5% density, RESULTS.md).
let recordedPeer: [String: (bp: Double, sdfa: Double)] = [
  "mlpa": (1740, 1826), "mlp3": (1102, 1173), "mlp4": (755, 890), "mlp5": (600, 736),
  "shd": (1509, 1354),
]

func option(_ name: String, _ fallback: String) -> String {
  let args = CommandLine.arguments
  if let i = args.firstIndex(of: "--\(name)"), i + 1 < args.count { return args[i + 1] }
  return fallback
}

func list(_ name: String, _ fallback: String) -> [String] {
  option(name, fallback).split(separator: ",").map(String.init)
}

func peakMemoryMiB() -> Double {
  guard let s = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
  for line in s.split(separator: "\n") where line.hasPrefix("VmHWM:") {
    let kb = Double(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
    return kb / 1024
  }
  return 0
}

/// CPU seconds used by the whole process so far.
func processCPUSeconds() -> Double {
  var ts = timespec()
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
  return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

func median(_ xs: [Double]) -> Double {
  let s = xs.sorted()
  return s.isEmpty ? 0 : s[s.count / 2]
}

/// Binary input spikes at `density`, `T · B` rows (a few distinct batches cycled, as the peer).
func inputPool(_ w: Workload, density: Double, count: Int) -> [(SparseRows, [Int])] {
  var rng = RandomStream(seed: 0, purpose: "bench.input")
  return (0..<count).map { _ in
    var rows = SparseRows(columnCount: w.sizes[0])
    for _ in 0..<(w.steps * w.batch) {
      for f in 0..<w.sizes[0] where rng.nextDouble() < density { rows.indices.append(Int32(f)) }
      rows.closeRow()
    }
    let labels = (0..<w.batch).map { _ in rng.nextInt(below: w.sizes.last!) }
    return (rows, labels)
  }
}

func runPeer(python: String, script: String, workload: String, method: String, density: Double,
  threads: Int, steps: Int) -> Double?
{
  let p = Process()
  p.executableURL = URL(fileURLWithPath: python)
  p.arguments = [
    script, "--workload", workload, "--method", method, "--density", "\(density)", "--threads",
    "\(threads)", "--steps", "\(steps)", "--wait-idle", "0", "--max-time", "30",
  ]
  let pipe = Pipe()
  p.standardOutput = pipe
  p.standardError = FileHandle.nullDevice
  do { try p.run() } catch { return nil }
  let data = pipe.fileHandleForReading.readDataToEndOfFile()
  p.waitUntilExit()
  for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
    if let obj = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
      let sps = obj["samples_per_s"] as? Double
    {
      return sps
    }
  }
  return nil
}

/// DVS-Gesture ConvNet (T = 10, batch 8): the peer's `conv` workload.
func benchConv(method: TrainConfig.Method, density: Double, threads: Int, steps: Int, warmup: Int) {
  let (t, b, shape, classes) = (10, 8, [2, 128, 128], 11)
  var rng = RandomStream(seed: 0, purpose: "bench.conv")
  var data = InMemoryFrames(inputShape: shape, timeSteps: t, classCount: classes)
  let features = shape.reduce(1, *)
  for i in 0..<(4 * b) {
    let frames = (0..<t).map { _ in
      (0..<features).filter { _ in rng.nextDouble() < density }.map { (index: Int32($0), value: Float(1)) }
    }
    data.appendSample(label: i % classes, steps: frames)
  }
  let net = Network.convnet(inputShape: shape, classes: classes, neuron: NeuronConfig(), seed: 0)
  let config = TrainConfig(
    method: method, batchSize: b, optimizer: OptimizerConfig(kind: .adam, lr: 1e-2), threads: threads)
  let session = TrainingSession(model: net, config: config, timeSteps: t)
  for i in 0..<warmup { _ = session.step(data, samples: Array((i % 4 * b)..<(i % 4 * b + b))[...], lr: 1e-2) }
  var times: [Double] = [], cpu: [Double] = []
  var last: TrainingSession.StepResult?
  for i in 0..<steps {
    let t0 = Date(), c0 = processCPUSeconds()
    last = session.step(data, samples: Array((i % 4 * b)..<(i % 4 * b + b))[...], lr: 1e-2)
    times.append(Date().timeIntervalSince(t0))
    cpu.append(processCPUSeconds() - c0)
  }
  let step = median(times)
  let rates = (last?.spikeRates ?? []).map { String(format: "%.3f", $0) }.joined(separator: ", ")
  let sps = Double(b) / step
  // The peer side by side when it is installed, else its recorded idle figures (2 threads).
  let measured = peerPython.isEmpty
    ? nil
    : runPeer(
      python: peerPython, script: peerScript, workload: "conv", method: method.rawValue, density: density,
      threads: threads, steps: steps)
  let peer = measured ?? (method == .bp ? 4.91 : 4.67)
  print(
    "| conv | \(method.rawValue) | \(density) | \(threads) | \(String(format: "%.2f", sps)) | "
      + "\(String(format: "%.2f", Double(b) / median(cpu))) | "
      + String(format: "%.0f (%.0f/%.0f/%.0f)", step * 1e3, (last?.forwardSeconds ?? 0) * 1e3, (last?.backwardSeconds ?? 0) * 1e3, (last?.optimizerSeconds ?? 0) * 1e3)
      + " | [\(rates)] | – | \(String(format: measured == nil ? "%.2f (recorded)" : "%.2f (same run)", peer)) | \(String(format: "%.2f×", sps / peer)) |")
}

let names = list("workload", "mlpa")
let methods = list("method", "bp,sdfa").map { TrainConfig.Method(rawValue: $0)! }
let densities = list("density", "0.05,0.15").map { Double($0)! }
let threadCounts = list("threads", "1,2").map { Int($0)! }
let timedSteps = Int(option("steps", "20"))!
let warmup = Int(option("warmup", "30"))!
let peerPython = option("peer-python", "")
let peerScript = option("peer-script", "../shared/bench/peer_snn/bench_spikingjelly.py")

if let i = CommandLine.arguments.firstIndex(of: "--memory"), i + 1 < CommandLine.arguments.count {
  print("| shape | method | batch, T, input | threads | s/step | peak RSS MiB |")
  print("|---|---|---|---:|---:|---:|")
  runMemoryBench(
    name: CommandLine.arguments[i + 1], method: TrainConfig.Method(rawValue: option("method", "sdfa"))!,
    density: Double(option("density", "0.05"))!, threads: Int(option("threads", "2"))!,
    steps: Int(option("steps", "1"))!)
  exit(0)
}

if CommandLine.arguments.contains("--crossover") {
  runCrossover(threads: threadCounts, densities: list("density", "0.02,0.05,0.1,0.15,0.2,0.3,0.45").map { Double($0)! })
  exit(0)
}

print("# snnbench — BLAS core \(Kernels.blasCoreName), AVX-512 kernels: \(Kernels.cpuHasAVX512F)")
print("# samples/CPU-s = batch / median process CPU seconds per step: on a shared machine it")
print("# approximates the idle-machine rate for 1 thread (for 2 threads, multiply by ~2).")
print("# warm-up \(warmup) Adam(lr 1e-2) steps, then median of \(timedSteps) timed steps")
print(
  "# dense fp32 ceiling (BLAS, [1280, 2312] · [2312, 1000]): "
    + threadCounts.map { String(format: "%.0f GFLOP/s on %d thread%@", blasCeiling(threads: $0), $0, $0 == 1 ? "" : "s") }
      .joined(separator: ", "))
print(
  "| workload | method | density | threads | samples/s | samples/CPU-s | step ms (fwd/bwd/opt) | rates (after warm-up) | dense-eq GFLOP/s | peer samples/s | ratio |"
)
print("|---|---|---:|---:|---:|---:|---|---|---:|---:|---:|")
for name in names {
  if name == "conv" {
    Kernels.setBLASThreads(1)
    for density in densities {
      for threads in threadCounts {
        for method in methods {
          benchConv(method: method, density: density, threads: threads, steps: min(timedSteps, 3), warmup: min(warmup, 3))
        }
      }
    }
    continue
  }
  guard let w = workloads[name] else { fatalError("unknown workload \(name)") }
  for density in densities {
    let pool = inputPool(w, density: density, count: 4)
    for threads in threadCounts {
      Kernels.setBLASThreads(1)  // as Trainer: the engine splits products over its threads
      for method in methods {
        let net = Network.mlp(
          inputFeatures: w.sizes[0], hidden: Array(w.sizes.dropFirst().dropLast()),
          classes: w.sizes.last!, neuron: NeuronConfig(kind: w.neuron), seed: 0)
        let config = TrainConfig(
          method: method, batchSize: w.batch, optimizer: OptimizerConfig(kind: .adam, lr: 1e-2),
          threads: threads, seed: 0)
        let session = TrainingSession(model: net, config: config, timeSteps: w.steps)
        for i in 0..<warmup { _ = session.step(input: pool[i % 4].0, labels: pool[i % 4].1, lr: 1e-2) }
        var times: [Double] = [], cpu: [Double] = [], fwd: [Double] = [], bwd: [Double] = [], opt: [Double] = []
        var rates = [Double](repeating: 0, count: w.sizes.count - 1)
        for i in 0..<timedSteps {
          let t0 = Date(), c0 = processCPUSeconds()
          let r = session.step(input: pool[i % 4].0, labels: pool[i % 4].1, lr: 1e-2)
          times.append(Date().timeIntervalSince(t0))
          cpu.append(processCPUSeconds() - c0)
          fwd.append(r.forwardSeconds)
          bwd.append(r.backwardSeconds)
          opt.append(r.optimizerSeconds)
          for (l, x) in r.spikeRates.enumerated() { rates[l] += x / Double(timedSteps) }
        }
        let step = median(times)
        let sps = Double(w.batch) / step
        var peer = "–", ratio = "–"
        if !peerPython.isEmpty,
          let p = runPeer(
            python: peerPython, script: peerScript, workload: name, method: method.rawValue,
            density: density, threads: threads, steps: timedSteps)
        {
          peer = String(format: "%.0f (same run)", p)
          ratio = String(format: "%.2f×", sps / p)
        } else if threads == 2 && density == 0.05, let rec = recordedPeer[name] {
          let p = method == .bp ? rec.bp : rec.sdfa
          peer = String(format: "%.0f (recorded)", p)
          ratio = String(format: "%.2f×", sps / p)
        }
        let rateText = rates.map { String(format: "%.3f", $0) }.joined(separator: ", ")
        print(
          "| \(name) | \(method.rawValue) | \(density) | \(threads) | \(String(format: "%.0f", sps)) | \(String(format: "%.0f", Double(w.batch) / median(cpu))) | "
            + String(format: "%.1f (%.1f/%.1f/%.1f)", step * 1e3, median(fwd) * 1e3, median(bwd) * 1e3, median(opt) * 1e3)
            + " | [\(rateText)] | \(String(format: "%.0f", w.gflop(method) / step)) | \(peer) | \(ratio) |")
      }
    }
  }
}
print(String(format: "# peak resident memory: %.0f MiB", peakMemoryMiB()))
