import Foundation
import Testing

/// `sdfa export mlflow`: the real MLflow package reads the exported file store back, and its
/// runs, params and per-epoch metrics equal what `sdfa runs --format json` prints.
@Suite(.serialized) struct MLflowExportTests {
  static let hasMLflow: Bool = {
    guard RunsCommandTests.hasPython, let result = try? RunsCommandTests.runPython("import mlflow\n") else { return false }
    return result.0 == 0
  }()

  /// Reads every experiment and run of the store at argv[1] with MlflowClient and prints them as JSON.
  static let reader = """
    import json, sys
    import mlflow
    from mlflow.tracking import MlflowClient
    uri = "file:" + sys.argv[1]
    client = MlflowClient(tracking_uri=uri)
    mlflow.set_tracking_uri(uri)
    out = {}
    for exp in client.search_experiments():
        if exp.name == "Default":
            continue
        runs = []
        for run in mlflow.search_runs(experiment_ids=[exp.experiment_id], output_format="list"):
            metrics = {}
            for name in run.data.metrics:
                history = client.get_metric_history(run.info.run_id, name)
                metrics[name] = [[m.step, m.value] for m in sorted(history, key=lambda m: m.step)]
            runs.append({"name": run.info.run_name, "status": run.info.status, "params": run.data.params,
                         "tags": run.data.tags, "metrics": metrics})
        out[exp.name] = runs
    print(json.dumps(out))
    """

  @Test(.enabled(if: hasMLflow, "MLflow is not installed (pip install mlflow-skinny): the MLflow read-back test is skipped"))
  func mlflowReadsBackWhatSdfaRunsPrints() throws {
    let scratch = try Scratch()
    defer { scratch.cleanup() }
    try RunsCommandTests.copyTechnology(to: scratch)
    try scratch.write(Array(RunsCommandTests.spec("alpha", sweep: "{train.method: [bp, sdfa]}", hardware: true).utf8), to: "alpha.yml")
    try scratch.write(Array(RunsCommandTests.spec("beta", sweep: "{model.neuron.tau: [2.0, 3.0]}", hardware: false).utf8), to: "beta.yml")
    let run = try SDFAProcess.run(["run", "alpha.yml", "beta.yml", "-q", "--seeds", "2"], in: scratch.url)
    #expect(run.status == 0, "\(run.err)")
    let export = try SDFAProcess.run(["export", "mlflow", "mlruns"], in: scratch.url)
    #expect(export.status == 0 && export.out.contains("exported 8 runs of 2 specs"), "\(export.out)\(export.err)")
    let listed = try RunsCommandTests.runsJSON([], in: scratch)
    #expect(listed.count == 8)

    let read = try RunsCommandTests.runPython(Self.reader, arguments: [scratch.url.appendingPathComponent("mlruns").path],
                                             environment: ["MLFLOW_ALLOW_FILE_STORE": "true"])
    #expect(read.0 == 0, "\(read.2)")
    let store = try #require(JSONSerialization.jsonObject(with: Data(read.1.utf8)) as? [String: [[String: Any]]], "\(read.1)")
    #expect(Set(store.keys) == ["alpha", "beta"])
    for entry in listed {
      let spec = try #require(entry["spec"] as? String), point = try #require(entry["point"] as? String)
      let matches = (store[spec] ?? []).filter { ($0["name"] as? String) == point }
      try #require(matches.count == 1, "\(spec) \(point) is in MLflow \(matches.count) times")
      let mlrun = matches[0]
      #expect(mlrun["status"] as? String == "FINISHED")
      let tags = try #require(mlrun["tags"] as? [String: String])
      #expect(tags["sdfa.point_id"] == point && tags["sdfa.stage_key"] == entry["key"] as? String)
      #expect(tags["sdfa.spec_digest"] != nil && tags["sdfa.spec_digest"] == entry["spec_digest"] as? String)

      // Params: the same paths, each value equal once MLflow's text is read back.
      let params = try #require(entry["params"] as? [String: Any]), logged = try #require(mlrun["params"] as? [String: String])
      #expect(Set(params.keys) == Set(logged.keys), "\(Set(params.keys).symmetricDifference(logged.keys))")
      for (path, value) in params {
        let text = try #require(logged[path])
        switch value {
        case let s as String: #expect(text == s, "\(path)")
        case let n as NSNumber where !(value is Bool): #expect(Double(text) == n.doubleValue, "\(path): \(text) vs \(n)")
        default:
          let parsed = try JSONSerialization.jsonObject(with: Data(text.utf8), options: .fragmentsAllowed)
          #expect((parsed as? NSObject)?.isEqual(value) == true, "\(path): \(text)")
        }
      }

      // Per-epoch metrics: steps 1…n with the values of every curve; scalars at step 0.
      let metrics = try #require(mlrun["metrics"] as? [String: [[Double]]])
      let train = try #require((entry["metrics"] as? [String: Any])?["train"] as? [String: Any])
      let curves = try #require(train["curves"] as? [String: [Double]])
      #expect(curves.keys.contains("test_accuracy") && curves.keys.contains("train_loss"))
      for (name, values) in curves {
        let history = try #require(metrics[name], "\(name) missing in MLflow")
        #expect(history.map { $0[0] } == (1...values.count).map(Double.init), "\(name) steps")
        #expect(history.map { $0[1] } == values, "\(name) values")
      }
      #expect(metrics["best_test_accuracy"]?.first?[1] == train["best_test_accuracy"] as? Double)
      if spec == "alpha" {
        let energy = try #require((entry["metrics"] as? [String: Any])?["energy"] as? [String: Any])
        #expect(metrics["pipesdfa_epoch_joules"]?.first?[1] == energy["pipesdfa_epoch_joules"] as? Double)
      }
    }
  }
}
