import Foundation
import Testing

/// `sdfa validate SPEC --checkpoint FILE` on a checkpoint `sdfa run` trained.
@Suite(.serialized) struct ValidateCheckpointTests {
  static let spec = """
    name: tiny
    seeds: 1
    dataset: {kind: synthetic, like: nmnist, train: 120, test: 40, events_per_sample: 1000}
    frames: {T: 6, split_by: number}
    model: {arch: mlp, hidden: [64]}
    train: {method: bp, epochs: 3, batch_size: 16, optimizer: {type: adam, lr: 1.0e-2}}
    """

  static let checkpoint = "results/tiny/train/seed=0/checkpoint.safetensors"

  @Test func reproducesTheTrainStagesFinalTestAccuracy() throws {
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    try scratch.write(Array(Self.spec.utf8), to: "tiny.yml")
    let run = try SDFAProcess.run(["run", "tiny.yml"], in: scratch.url)
    #expect(run.status == 0, "\(run.err)")
    let summary = try JSONSerialization.jsonObject(
      with: Data(contentsOf: scratch.url.appendingPathComponent("results/tiny/train/seed=0/summary.json"))) as! [String: Any]
    let trained = summary["final_test_accuracy"] as! Double
    #expect(trained > 0.3, "the tiny network should learn something")

    let validated = try SDFAProcess.run(["validate", "tiny.yml", "--checkpoint", Self.checkpoint, "--json"], in: scratch.url)
    #expect(validated.status == 0, "\(validated.err)")
    let result = try JSONSerialization.jsonObject(with: validated.outBytes) as! [String: Any]
    #expect(result["test_accuracy"] as? Double == trained)
    #expect(result["format"] as? String == "safetensors" && result["point"] as? String == "seed=0")
    #expect(result["model"] as? String == "mlp 2312-64-10" && result["samples"] as? Int == 40)
    let rates = result["spike_rates"] as! [[String: Any]]
    #expect(rates.map { $0["layer"] as! String } == ["fc1", "fc2"])
    // The load and bin stages came from the cache; train did not run again.
    #expect(!validated.err.contains("ran "))

    let text = try SDFAProcess.run(["validate", "tiny.yml", "--checkpoint", Self.checkpoint], in: scratch.url)
    #expect(text.status == 0)
    #expect(text.out.contains(String(format: "test accuracy %.4f", trained)))
    #expect(text.out.contains("spike rates: fc1 "))
    // The checkpoint's training record, summarised: its epochs and final test accuracy.
    #expect(text.out.contains(String(format: "metrics: 3 epochs, final test accuracy %.4f", trained)), "\(text.out)")
  }

  @Test func refusesACheckpointOfAnotherShape() throws {
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    try scratch.write(Array(Self.spec.utf8), to: "tiny.yml")
    #expect(try SDFAProcess.run(["run", "tiny.yml"], in: scratch.url).status == 0)
    // The same spec with 32 hidden units: the 64-unit checkpoint does not fit.
    let result = try SDFAProcess.run(
      ["validate", "tiny.yml", "--checkpoint", Self.checkpoint, "--set", "model.hidden=[32]"], in: scratch.url)
    #expect(result.status == 1)
    #expect(result.err.contains("checkpoint.safetensors does not fit the spec's model (mlp 2312-32-10)"))
    #expect(result.err.contains("tensor 'layers.0.weight' has shape [64, 2312]; the model expects [32, 2312]"))
    #expect(result.out.isEmpty)

    let neuron = try SDFAProcess.run(
      ["validate", "tiny.yml", "--checkpoint", Self.checkpoint, "--set", "model.neuron.tau=3"], in: scratch.url)
    #expect(neuron.status == 1)
    #expect(neuron.err.contains("was trained with another neuron (lif tau 2.0, v_threshold 1.0, alpha 2.0) than the spec's model has (lif tau 3.0,"))
    #expect(neuron.err.contains("fix: validate with --set model.neuron.tau=2.0"))

    let unknown = try SDFAProcess.run(["validate", "tiny.yml", "--checkpoint", Self.checkpoint, "--point", "seed=7"], in: scratch.url)
    #expect(unknown.status == 2)
    #expect(unknown.err.contains("has no point 'seed=7'") && unknown.err.contains("valid points: seed=0"))

    try scratch.write(Array("not a checkpoint".utf8), to: "junk.pth")
    let junk = try SDFAProcess.run(["validate", "tiny.yml", "--checkpoint", "junk.pth"], in: scratch.url)
    #expect(junk.status == 1 && junk.err.contains("junk.pth: not a zip archive"))
  }
}
