// Binning throughput of Events against spikingjelly's algorithm on the same events, in one run.
//
//   swift build -c release --product EventsBench
//   .build/release/EventsBench [--samples 2000] [--frames 10] [--peer ../shared/bench/peer_binning.py]
//
// 1. peer_binning.py --write-bin writes the peer's samples as N-MNIST .bin files;
// 2. those files are read into an events container (read rate in MB/s);
// 3. the container is binned (split_by number and time, best of 3; one core);
// 4. Benchmarks/EventsBench/peer_numpy.py times spikingjelly (or its numpy port) on the same samples;
// 5. ratios are printed. Also: synthetic N-MNIST generation time and peak memory.
import Events
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

func argument(_ name: String, _ fallback: String) -> String {
  let a = CommandLine.arguments
  if let i = a.firstIndex(of: name), i + 1 < a.count { return a[i + 1] }
  return fallback
}

func now() -> Double {
  var ts = timespec()
  clock_gettime(CLOCK_MONOTONIC, &ts)
  return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

func peakRSSMiB() -> Double {
  var usage = rusage()
  getrusage(RUSAGE_SELF.rawValue, &usage)
  return Double(usage.ru_maxrss) / 1024
}

@discardableResult
func shell(_ command: String) -> String {
  let p = Process()
  p.executableURL = URL(fileURLWithPath: "/bin/sh")
  p.arguments = ["-c", command]
  let pipe = Pipe()
  p.standardOutput = pipe
  try! p.run()
  let out = pipe.fileHandleForReading.readDataToEndOfFile()
  p.waitUntilExit()
  return String(decoding: out, as: UTF8.self)
}

let samples = Int(argument("--samples", "2000"))!
let frames = Int(argument("--frames", "10"))!
let peer = argument("--peer", "../shared/bench/peer_binning.py")
let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
let work = FileManager.default.temporaryDirectory.appendingPathComponent("events-bench-\(getpid())")
try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: work) }

if CommandLine.arguments.contains("--profile-bin") {
  let e = work.appendingPathComponent("p-events")
  try SyntheticDataset.write(like: .nmnist, train: samples, test: 0, seed: 0, to: e)
  let c = try EventsContainer(contentsOf: e)
  let binner = FrameBinner(layout: c.layout, timeBase: c.timeBase, frames: frames, splitBy: .number)
  for _ in 0..<10 {
    let t0 = now()
    var sum: Float = 0
    for i in 0..<c.sampleCount { try binner.bin(c.columns(i)) { _, f in sum += f.values.last ?? 0 } }
    print(String(format: "in memory %.1f M events/s (%.0f)", Double(c.eventCount) / (now() - t0) / 1e6, sum))
  }
  for _ in 0..<3 {
    let t0 = now()
    try Binning.bin(c, frames: frames, splitBy: .number, to: work.appendingPathComponent("p-frames"))
    print(String(format: "%.1f M events/s", Double(c.eventCount) / (now() - t0) / 1e6))
  }
  exit(0)
}

// 1. The peer's events as .bin files.
let binDir = work.appendingPathComponent("bin")
print(shell("python3 \(peer) --write-bin \(binDir.path) --samples \(samples)").trimmingCharacters(in: .newlines))

// 2. .bin → events container.
let files = try FileManager.default.contentsOfDirectory(atPath: binDir.path).sorted()
let eventsURL = work.appendingPathComponent("events")
var bytesRead = 0
var start = now()
let writer = try EventsContainerWriter(
  to: eventsURL,
  metadata: EventsContainerMetadata(datasetKind: "bench", layout: .camera(width: 34, height: 34), timeBase: .microseconds, classNames: ["0"]))
for name in files {
  let bytes = Array(try Data(contentsOf: binDir.appendingPathComponent(name)))
  bytesRead += bytes.count
  try writer.append(ATISBinary.decode(bytes, file: name, sensor: (34, 34)), label: 0, split: .train)
}
try writer.finish()
let loadSeconds = now() - start
start = now()
var raw = 0
for name in files { raw += (try Data(contentsOf: binDir.appendingPathComponent(name))).count }
let rawSeconds = now() - start
let container = try EventsContainer(contentsOf: eventsURL)
let events = container.eventCount
print(String(format: "load: %d files, %.1f MB, %.1f MB/s into the container (plain reads of the same files: %.1f MB/s, page-cached)",
  files.count, Double(bytesRead) / 1e6, Double(bytesRead) / 1e6 / loadSeconds, Double(raw) / 1e6 / rawSeconds))

// 3. Binning, best of 3: in memory (like the peer, which returns frames), then into a container file.
var ours: [String: Double] = [:]
for (name, rule) in [("number", Binning.SplitBy.number), ("time", .time)] {
  let binner = FrameBinner(layout: container.layout, timeBase: container.timeBase, frames: frames, splitBy: rule)
  var inMemory = Double.infinity
  var checksum: Float = 0
  for _ in 0..<3 {
    start = now()
    for i in 0..<container.sampleCount {
      try binner.bin(container.columns(i)) { _, frame in checksum += frame.values.last ?? 0 }
    }
    inMemory = min(inMemory, now() - start)
  }
  ours[name] = Double(events) / inMemory
  print(String(format: "Events  split_by=%@ T=%d in memory: %.1f M events/s (checksum %.0f)", name, frames, Double(events) / inMemory / 1e6, checksum))
  var best = Double.infinity
  for _ in 0..<3 {
    let out = work.appendingPathComponent("frames-\(name)")
    start = now()
    try Binning.bin(container, frames: frames, splitBy: rule, to: out)
    best = min(best, now() - start)
  }
  ours[name + "-file"] = Double(events) / best
  print(String(format: "Events  split_by=%@ T=%d into a frames container: %d events in %.4f s = %.1f M events/s", name, frames, events, best, Double(events) / best / 1e6))
}

// 4. The peer on the same samples.
let peerOut = shell("python3 \(here.appendingPathComponent("peer_numpy.py").path) \(peer) --samples \(samples) --frames \(frames) --repeat 3")
for line in peerOut.split(separator: "\n") {
  guard let json = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
    let mode = json["split_by"] as? String, let rate = json["events_per_s"] as? Double, let who = json["peer"] as? String
  else { continue }
  print(String(format: "%@ split_by=%@: %.1f M events/s; ratio Events/peer = %.1fx in memory, %.1fx including the container file", who, mode, rate / 1e6, (ours[mode] ?? 0) / rate, (ours[mode + "-file"] ?? 0) / rate))
}

// 5. Synthetic generation (quickstart size) and memory.
start = now()
try SyntheticDataset.write(like: .nmnist, train: 2000, test: 500, seed: 0, to: work.appendingPathComponent("synthetic"))
print(String(format: "synthetic nmnist 2000+500: %.2f s", now() - start))
start = now()
try Binning.bin(events: work.appendingPathComponent("synthetic"), frames: 10, splitBy: .number, to: work.appendingPathComponent("sframes"))
print(String(format: "binning it (T=10, number): %.2f s; peak RSS so far %.0f MiB", now() - start, peakRSSMiB()))
if CommandLine.arguments.contains("--full") {
  start = now()
  try SyntheticDataset.write(like: .nmnist, train: 60_000, test: 10_000, seed: 0, to: work.appendingPathComponent("full"))
  let generated = now() - start
  start = now()
  try Binning.bin(events: work.appendingPathComponent("full"), frames: 10, splitBy: .number, to: work.appendingPathComponent("fullframes"))
  let size = (try FileManager.default.attributesOfItem(atPath: work.appendingPathComponent("fullframes").path)[.size] as? Int) ?? 0
  print(String(format: "synthetic nmnist 60000+10000: generate %.1f s, bin %.1f s, frames container %.0f MB (dense would be 6.5 GB); peak RSS %.0f MiB",
    generated, now() - start, Double(size) / 1e6, peakRSSMiB()))
}
