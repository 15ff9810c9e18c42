import Foundation

extension Runner {
  /// Whether a cached artifact may be served as the node's result: it must pass the cheap
  /// check (manifest digest, sizes, times), and a full re-hash when `full` (`run --verify`) or
  /// when it is a small leaf (a report: nothing downstream would ever verify it). A failing
  /// artifact is quarantined, its index rows are dropped, and the node runs again.
  func servable(_ digest: String, label: String, leaf: Bool, full: Bool, events: @Sendable (RunEvent) -> Void) -> Bool {
    guard store.exists(digest) else { return false }
    do {
      if full {
        try store.checkCheaply(digest)
        try store.verify(digest)
      } else if leaf {
        try store.checkBeforeServing(digest, full: false)
      } else {
        try store.checkCheaply(digest)
      }
      return true
    } catch {
      if store.exists(digest) { _ = try? store.quarantine(digest) }
      try? index.invalidate(output: digest)
      events(.quarantined(label: label, reason: "\(error)"))
      return false
    }
  }
}
