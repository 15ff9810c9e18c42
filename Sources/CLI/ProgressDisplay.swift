import Foundation
import Pipeline

/// Renders run events: on a terminal, one live status line (done/total, the running stages
/// with their progress and ETA) above which finished stages scroll; otherwise plain lines.
final class ProgressDisplay: @unchecked Sendable {
  private let lock = NSLock()
  private let total: Int
  private let spec: String
  private let quiet: Bool
  private let dryRun: Bool
  private let live = Terminal.isInteractive
  private var done = 0
  private var running: [String: (started: Date, fraction: Double, message: String)] = [:]
  private var lastDraw = Date.distantPast
  private var statusShown = false

  init(total: Int, spec: String, quiet: Bool, dryRun: Bool) {
    self.total = total
    self.spec = spec
    self.quiet = quiet
    self.dryRun = dryRun
  }

  func handle(_ event: RunEvent) {
    lock.withLock {
      switch event {
      case .started(let label):
        running[label] = (Date(), 0, "")
        if !live && !quiet { emit("start   \(label)") }
      case .progress(let p):
        if let r = running[p.label] { running[p.label] = (r.started, p.fraction, p.message) }
        if !live && !quiet && !p.message.isEmpty && p.fraction >= 1 { emit("        \(p.label): \(p.message)") }
      case .finished(let label, let outcome):
        running[label] = nil
        done += 1
        switch outcome {
        case .ran(_, let seconds): if !quiet { emit(String(format: "ran     %@ (%.2f s)", label, seconds)) }
        case .cached(_, true): if !quiet { emit("reused  \(label) (computed by another sdfa)") }
        case .failed(let message, let log):
          emit("FAILED  \(label): \(message)" + (log.isEmpty ? "" : "\n        log: \(log)"))
        case .skipped(let because): if !quiet { emit("skipped \(label) (\(because) failed)") }
        default: break
        }
      case .quarantined(let label, let reason):
        emit("corrupt \(label): \(reason); moved to quarantine, rebuilding")
      }
      if live && !quiet { drawStatus(force: false) }
    }
  }

  func close() {
    lock.withLock {
      if live && statusShown { Terminal.raw("\r\u{1B}[2K") }
      statusShown = false
    }
  }

  private func emit(_ line: String) {
    if live && statusShown { Terminal.raw("\r\u{1B}[2K") }
    statusShown = false
    Terminal.error(line)
  }

  private func drawStatus(force: Bool) {
    let now = Date()
    guard force || now.timeIntervalSince(lastDraw) > 0.1 else { return }
    lastDraw = now
    var text = "\(spec) [\(done)/\(total)]"
    if let (label, r) = running.min(by: { $0.value.started < $1.value.started }) {
      text += " \(label)"
      if !r.message.isEmpty { text += " \(r.message)" }
      if r.fraction > 0.01 && r.fraction < 1 {
        let elapsed = now.timeIntervalSince(r.started)
        let eta = elapsed / r.fraction - elapsed
        text += String(format: " %d%% ETA %@", Int(r.fraction * 100), Self.clock(eta))
      }
      if running.count > 1 { text += " (+\(running.count - 1) running)" }
    }
    let width = 120
    if text.count > width { text = String(text.prefix(width - 1)) + "…" }
    Terminal.raw("\r\u{1B}[2K" + text)
    statusShown = true
  }

  static func clock(_ seconds: Double) -> String {
    let s = Int(seconds.rounded())
    return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
  }
}
