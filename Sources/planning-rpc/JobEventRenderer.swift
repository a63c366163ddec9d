import Foundation
import PlanningRPC

/// Turns the JobEvent stream of a planning job into output, for the job commands (`generate-attributes`,
/// `jobs watch`, ...) that will use it once the PlanningService lands.
///
/// On a terminal, progress redraws one status line in place (`\r`, cleared with an ANSI erase) and items print
/// above it; elsewhere (pipes, CI logs) each item and each change of state or step is one line, and progress
/// is printed only when it moves by at least 10 points, so a log stays short. Heartbeats print nothing.
/// ``render(_:)`` returns the text to write, so the renderer is testable without a terminal.
struct JobEventRenderer {
    let interactive: Bool
    private var lastState: Planning_V1_JobState?
    private var lastStep = ""
    private var lastPrintedPercent = -100.0
    private var statusLineShown = false
    /// When the first item was counted, and how many were done then: the base of the rate and ETA.
    private var rateBase: (time: ContinuousClock.Instant, items: Int64)?

    init(interactive: Bool) {
        self.interactive = interactive
    }

    /// The bar of a status line: `[#########-----------]  45%`.
    static func bar(percent: Double, width: Int = 20) -> String {
        let clamped = min(100, max(0, percent))
        let filled = Int((clamped / 100 * Double(width)).rounded(.down))
        return "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled) + "] "
            + String(Int(clamped.rounded(.down))).leftPadded(to: 3) + "%"
    }

    mutating func render(_ event: Planning_V1_JobEvent) -> String {
        var out = ""
        var items: [String] = []
        switch event.payload {
        case .accepted(let accepted):
            items.append("job \(event.jobID)\(accepted.existing ? " (already running)" : "") accepted")
        case .attributeGenerated(let generated):
            items.append("attribute \(generated.attribute.name)\(generated.created ? "" : " (exists)")")
        case .mappingSuggested(let suggested):
            let pde = suggested.mapping.pde
            items.append("mapping \(suggested.mapping.attributeID) -> \(pde.system).\(pde.table).\(pde.column)")
        case .pdeClassified(let classified):
            items.append("classified \(classified.classification.pdeID)")
        case .result(let result):
            items.append(
                "done: generated \(result.generated), created \(result.created), mapped \(result.mapped), "
                    + "classified \(result.classified), skipped \(result.skipped)"
            )
        case .error(let error):
            items.append("failed: \(error.message) (code \(error.code))")
        case .heartbeat, .progress, .serverDraining, nil:
            break
        }
        let stateChanged = event.state != self.lastState || event.step != self.lastStep
        self.lastState = event.state
        self.lastStep = event.step
        let status = "\(Self.bar(percent: event.percent)) \(event.step)"
            + (event.itemsTotal > 0 ? " (\(event.itemsDone)/\(event.itemsTotal))" : "")
            + self.rateAndETA(event)
        if self.interactive {
            if self.statusLineShown { out += "\r\u{1B}[2K" }
            for item in items { out += item + "\n" }
            out += status
            self.statusLineShown = true
            if event.state.isTerminal {
                out += "\n"
                self.statusLineShown = false
            }
        } else {
            for item in items { out += item + "\n" }
            if stateChanged || event.percent - self.lastPrintedPercent >= 10 || event.state.isTerminal {
                if case .heartbeat = event.payload, !stateChanged { return out }
                out += status + "\n"
                self.lastPrintedPercent = event.percent
            }
        }
        return out
    }
}

extension JobEventRenderer {
    /// ` 12.5 items/s, ETA 8s` once items move; empty before.
    private mutating func rateAndETA(_ event: Planning_V1_JobEvent) -> String {
        guard event.itemsTotal > 0, event.itemsDone > 0, !event.state.isTerminal else { return "" }
        let now = ContinuousClock.now
        guard let base = self.rateBase else {
            self.rateBase = (now, event.itemsDone)
            return ""
        }
        let elapsed = Double((now - base.time).components.attoseconds) / 1e18 + Double((now - base.time).components.seconds)
        let done = event.itemsDone - base.items
        guard elapsed > 0.2, done > 0 else { return "" }
        let rate = Double(done) / elapsed
        let remaining = Double(event.itemsTotal - event.itemsDone) / rate
        return String(format: ", %.1f items/s, ETA %.0fs", rate, remaining)
    }
}

extension Planning_V1_JobState {
    var isTerminal: Bool {
        self == .succeeded || self == .failed || self == .cancelled
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        self.count >= width ? self : String(repeating: " ", count: width - self.count) + self
    }
}
