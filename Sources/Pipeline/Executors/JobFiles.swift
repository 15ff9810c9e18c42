import Foundation

/// The cache's record of stages handed to an executor, beside the artifacts (so that every
/// process sharing the cache, and the job on the node, sees it):
///
/// ```
/// .sdfa/jobs/<key>.json           what to execute (a `StageJob`): `sdfa exec` needs no spec
/// .sdfa/jobs/<key>.result.json    how the job's execution ended (written by `sdfa exec`)
/// .sdfa/jobs/<key>.slurm.json     the Slurm job (array task) last submitted for the key
/// .sdfa/jobs/batches/<id>.sh      the batch scripts submitted
/// .sdfa/jobs/slurm-logs/<job>.out the jobs' Slurm output (stdout and stderr)
/// ```
/// Files are replaced atomically (write, then rename).
public struct JobFiles: Sendable {
  public let root: URL

  public init(cache: URL) throws {
    root = cache.appendingPathComponent("jobs")
    for sub in ["batches", "slurm-logs"] {
      try FileManager.default.createDirectory(at: root.appendingPathComponent(sub), withIntermediateDirectories: true)
    }
  }

  /// How one execution ended, as `sdfa exec` reports it to the scheduler that submitted it.
  public struct Result: Codable, Sendable, Equatable {
    /// `ran`, `cached`, `failed`, `corrupt-input` or `interrupted`.
    public var status: String
    public var digest: String?
    public var seconds: Double?
    public var message: String?
    public var log: String?
    /// The Slurm job (`123_4`) that executed it, when known.
    public var job: String?

    public init(status: String, digest: String? = nil, seconds: Double? = nil, message: String? = nil, log: String? = nil,
                job: String? = nil) {
      (self.status, self.digest, self.seconds, self.message, self.log, self.job) = (status, digest, seconds, message, log, job)
    }
  }

  /// The Slurm job last submitted for a key.
  public struct Submission: Codable, Sendable, Equatable {
    /// `123_4` for an array task.
    public var job: String
    public var log: String
    public var submitted: Double
    public var attempt: Int
    /// `host:pid` of the submitting `sdfa`.
    public var by: String
  }

  public func descriptionURL(_ key: String) -> URL { root.appendingPathComponent("\(key).json") }
  public func resultURL(_ key: String) -> URL { root.appendingPathComponent("\(key).result.json") }
  public func submissionURL(_ key: String) -> URL { root.appendingPathComponent("\(key).slurm.json") }
  public var batches: URL { root.appendingPathComponent("batches") }
  public var slurmLogs: URL { root.appendingPathComponent("slurm-logs") }

  public func writeDescription(_ job: StageJob) throws { try write(job, to: descriptionURL(job.key)) }

  public func description(_ key: String) throws -> StageJob {
    let url = descriptionURL(key)
    guard let data = FileManager.default.contents(atPath: url.path) else {
      throw StageFailure("no job description for key \(key) at \(url.path) (the scheduler writes it before submitting)")
    }
    do {
      return try JSONDecoder().decode(StageJob.self, from: data)
    } catch {
      throw StageFailure("\(url.path): not a job description: \(error)")
    }
  }

  public func writeResult(_ result: Result, key: String) throws { try write(result, to: resultURL(key)) }
  public func result(_ key: String) -> Result? { read(resultURL(key)) }
  public func removeResult(_ key: String) { try? FileManager.default.removeItem(at: resultURL(key)) }

  public func writeSubmission(_ submission: Submission, key: String) throws { try write(submission, to: submissionURL(key)) }
  public func submission(_ key: String) -> Submission? { read(submissionURL(key)) }

  private func write<T: Encodable>(_ value: T, to url: URL) throws {
    try JSONEncoder.sorted.encode(value).write(to: url, options: .atomic)
  }

  private func read<T: Decodable>(_ url: URL) -> T? {
    FileManager.default.contents(atPath: url.path).flatMap { try? JSONDecoder().decode(T.self, from: $0) }
  }
}
