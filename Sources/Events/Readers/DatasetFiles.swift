import Foundation
import ZIPFoundation

/// The files of a dataset, found in an extracted directory tree or inside zip archives, in
/// one list with uniform access, so that readers need not care where the bytes live.
struct DatasetFiles {
  /// One file: its path relative to the dataset root or archive (`Train/3/00002.bin`), a
  /// name for messages (`Train.zip/Train/3/00002.bin`), and how to read it.
  struct File {
    var relativePath: String
    var displayName: String
    fileprivate var location: Location

    /// Path components of ``relativePath``.
    var components: [Substring] { relativePath.split(separator: "/") }
  }

  fileprivate enum Location {
    case disk(URL)
    case archive(Int, Entry)
  }

  private(set) var files: [File] = []
  private var archives: [(URL, Archive)] = []

  /// Collects every file under `root` whose name ends in `suffix`: from the directory tree,
  /// and from each `.zip` archive directly inside `root` (or `root` itself when it is a zip).
  init(root: URL, suffix: String) throws {
    let fm = FileManager.default
    var isDirectory: ObjCBool = false
    guard fm.fileExists(atPath: root.path, isDirectory: &isDirectory) else {
      throw EventsError(file: root.path, "dataset root does not exist")
    }
    var zips: [URL] = []
    if isDirectory.boolValue {
      let base = root.standardizedFileURL.path
      if let walker = fm.enumerator(atPath: base) {
        for case let relative as String in walker {
          if relative.hasSuffix(suffix) {
            files.append(File(relativePath: relative, displayName: relative, location: .disk(root.appendingPathComponent(relative))))
          } else if relative.lowercased().hasSuffix(".zip"), !relative.contains("/") {
            zips.append(root.appendingPathComponent(relative))
          }
        }
      }
    } else if root.pathExtension.lowercased() == "zip" {
      zips.append(root)
    }
    for zip in zips.sorted(by: { $0.path < $1.path }) {
      let archive: Archive
      do {
        archive = try Archive(url: zip, accessMode: .read)
      } catch {
        throw EventsError(file: zip.path, "not a readable zip archive: \(error)")
      }
      let index = archives.count
      archives.append((zip, archive))
      for entry in archive where entry.type == .file && entry.path.hasSuffix(suffix) {
        let path = entry.path.hasPrefix("/") ? String(entry.path.dropFirst()) : entry.path
        files.append(File(relativePath: path, displayName: "\(zip.lastPathComponent)/\(path)", location: .archive(index, entry)))
      }
    }
    files.sort { $0.relativePath < $1.relativePath }
  }

  /// The bytes of `file` (decompressed when it is an archive member, and checked against the
  /// archive's CRC-32 and size: see ``ZipMember``).
  func read(_ file: File) throws -> [UInt8] {
    switch file.location {
    case .disk(let url):
      do {
        return Array(try Data(contentsOf: url))
      } catch {
        throw EventsError(file: file.displayName, "cannot read: \(FileReadError.reason(error))")
      }
    case .archive(let index, let entry):
      return try ZipMember.read(entry, from: archives[index].1, name: file.displayName)
    }
  }
}

/// The order in which class folders become label indices.
public enum LabelOrder: String, Codable, Sendable {
  /// String-sorted folder names, as torchvision's `DatasetFolder` (and so spikingjelly) does:
  /// `0, 1, 10, 2, …`.
  case spikingjelly
  /// Numeric order when every name is an integer, else the string order.
  case natural

  /// Sorts class names into label order.
  public func sorted(_ names: [String]) -> [String] {
    let strings = names.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    if self == .natural, strings.allSatisfy({ Int($0) != nil }) {
      return strings.sorted { Int($0)! < Int($1)! }
    }
    return strings
  }
}
