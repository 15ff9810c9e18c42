import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The cheap check a run makes before serving a cached artifact.
///
/// Full verification (`verify`) re-hashes every file, which costs as much as reading the
/// artifact. The cheap check reads only the manifest and one `stat` per file: the manifest
/// must hash to the digest, every file it lists must be there with its size, and no file may
/// have been modified after the manifest was written (commit writes the files, then the
/// manifest, then makes them read-only; an editor, `sed -i` or a stray write moves a file's
/// modification time past the manifest's). A change that keeps size and time (a raw disk
/// write) needs the full check: `sdfa run --verify` or `sdfa verify`.
extension ArtifactStore {
  /// Throws `CorruptArtifact` when the cheap check fails; returns the manifest.
  @discardableResult
  public func checkCheaply(_ digest: String) throws -> Manifest {
    let url = artifactURL(digest)
    let manifestPath = url.appendingPathComponent(Self.manifestName).path
    guard let data = FileManager.default.contents(atPath: manifestPath) else {
      throw CorruptArtifact(digest: digest, reason: "its manifest is missing")
    }
    guard Digest.sha256(data) == digest else { throw CorruptArtifact(digest: digest, reason: "its manifest does not match its digest") }
    guard let manifest = try? JSONDecoder().decode(Manifest.self, from: data) else {
      throw CorruptArtifact(digest: digest, reason: "its manifest is not readable")
    }
    guard let sealed = Self.modificationNanos(manifestPath) else {
      throw CorruptArtifact(digest: digest, reason: "its manifest cannot be read: \(IOErrorText.errnoText)")
    }
    for file in manifest.files {
      let path = url.appendingPathComponent(file.path).path
      var info = stat()
      guard stat(path, &info) == 0 else {
        throw CorruptArtifact(digest: digest, reason: "file '\(file.path)' is missing (\(IOErrorText.errnoText))")
      }
      guard Int(info.st_size) == file.size else {
        throw CorruptArtifact(digest: digest, reason: "file '\(file.path)' has changed (size \(info.st_size), expected \(file.size))")
      }
      if let modified = Self.modificationNanos(path), modified > sealed {
        throw CorruptArtifact(digest: digest, reason: "file '\(file.path)' was modified after the artifact was sealed")
      }
    }
    return manifest
  }

  /// The check a run makes before serving `digest`: cheap, and full (every file re-hashed)
  /// when `full` or when the artifact is at most `hashBelow` bytes.
  public func checkBeforeServing(_ digest: String, full: Bool, hashBelow: Int = 4 << 20) throws {
    let manifest = try checkCheaply(digest)
    if full || manifest.files.reduce(0, { $0 + $1.size }) <= hashBelow { try verify(digest) }
  }

  static func modificationNanos(_ path: String) -> Int64? {
    var info = stat()
    guard stat(path, &info) == 0 else { return nil }
    #if canImport(Darwin)
      return Int64(info.st_mtimespec.tv_sec) * 1_000_000_000 + Int64(info.st_mtimespec.tv_nsec)
    #else
      return Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
    #endif
  }
}
