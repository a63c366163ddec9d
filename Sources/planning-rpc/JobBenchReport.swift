import Foundation
import Histogram

/// The figures of a job-mode bench run, and the delivery contract checked against each job's full replay.
struct JobBenchReport {
    let plan: JobBenchPlan
    let seconds: Double
    let watchers: Int
    let slowWatchers: Int
    let reattachingWatchers: Int
    let reattaches: Int
    let events: Int
    let firstEvent: Histogram<UInt64>
    /// Gaps between consecutive events of prompt (not slow) watchers, and of slow ones (their sleep included).
    let gaps: Histogram<UInt64>
    let slowGaps: Histogram<UInt64>
    let jobSeconds: [Double]
    /// Non-progress events a watcher never saw (must be 0).
    let sequenceGaps: Int
    /// Progress events watchers did not see (coalesced for slow readers, as the contract allows).
    let progressSkipped: Int
    /// Events a watcher saw twice (must be 0).
    let duplicates: Int
    /// Events that arrived with a lower sequence than one seen before (must be 0).
    let outOfOrder: Int
    let terminalsDelivered: Int
    let terminalsExpected: Int
    /// Jobs whose replay from 0 was not 1, 2, 3... up to a terminal event (must be 0).
    let brokenReplays: Int
    let errors: [String: Int]

    init(plan: JobBenchPlan, jobs: [StartedJob], watchers: [WatcherOutcome], replays: [String: JobReplay],
         seconds: Double)
    {
        self.plan = plan
        self.seconds = seconds
        self.watchers = watchers.count
        self.slowWatchers = watchers.filter(\.slow).count
        self.reattachingWatchers = watchers.filter(\.reattaching).count
        self.reattaches = watchers.reduce(0) { $0 + $1.reattaches }
        self.events = watchers.reduce(0) { $0 + $1.sequences.count + $1.duplicates + $1.outOfOrder }
        var firstEvent = Histogram<UInt64>(highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: .three)
        var gaps = Histogram<UInt64>(highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: .three)
        var slowGaps = gaps
        var sequenceGaps = 0
        var progressSkipped = 0
        var errors: [String: Int] = [:]
        for watcher in watchers {
            if let micros = watcher.firstEventMicros { _ = firstEvent.record(min(micros, 600_000_000)) }
            for micros in watcher.gapMicros {
                if watcher.slow {
                    _ = slowGaps.record(min(micros, 600_000_000))
                } else {
                    _ = gaps.record(min(micros, 600_000_000))
                }
            }
            if let error = watcher.error { errors["watcher: " + error, default: 0] += 1 }
            guard let replay = replays[watcher.jobID] else { continue }
            let seen = Set(watcher.sequences)
            sequenceGaps += replay.required.filter { !seen.contains($0) }.count
            progressSkipped += replay.progress.filter { !seen.contains($0) }.count
        }
        for job in jobs {
            if let error = job.error { errors["job: " + error, default: 0] += 1 }
        }
        self.firstEvent = firstEvent
        self.gaps = gaps
        self.slowGaps = slowGaps
        self.sequenceGaps = sequenceGaps
        self.progressSkipped = progressSkipped
        self.duplicates = watchers.reduce(0) { $0 + $1.duplicates }
        self.outOfOrder = watchers.reduce(0) { $0 + $1.outOfOrder }
        self.terminalsDelivered = watchers.filter { watcher in
            guard let terminal = watcher.terminalSequence else { return false }
            return replays[watcher.jobID]?.terminal == terminal
        }.count
        self.terminalsExpected = watchers.count
        self.brokenReplays = replays.values.filter { !$0.contiguous || $0.terminal == nil }.count
        self.jobSeconds = jobs.compactMap(\.seconds).sorted()
        self.errors = errors
    }

    /// Whether the delivery contract held everywhere.
    var passed: Bool {
        self.sequenceGaps == 0 && self.duplicates == 0 && self.outOfOrder == 0 && self.brokenReplays == 0
            && self.terminalsDelivered == self.terminalsExpected && self.errors.isEmpty
    }

    private static func percentiles(_ histogram: Histogram<UInt64>) -> [(name: String, micros: UInt64)] {
        guard histogram.totalCount > 0 else { return [] }
        return [
            ("p50", histogram.valueAtPercentile(50)), ("p99", histogram.valueAtPercentile(99)),
            ("max", histogram.max),
        ]
    }

    private static func format(micros: UInt64) -> String {
        micros >= 10_000 ? String(format: "%.2f ms", Double(micros) / 1000) : "\(micros) µs"
    }

    private static func line(_ name: String, _ histogram: Histogram<UInt64>) -> String {
        let parts = Self.percentiles(histogram).map { "\($0.name) \(Self.format(micros: $0.micros))" }
        let label = name.padding(toLength: 22, withPad: " ", startingAt: 0)
        return label + (parts.isEmpty ? "none" : parts.joined(separator: ", ") + " (\(histogram.totalCount))")
    }

    func text() -> String {
        let plan = self.plan
        var lines = [
            "jobs                  \(plan.jobs) x \(plan.kind.rawValue), \(plan.watchersPerJob) watchers each "
                + "(\(self.slowWatchers) slow, \(self.reattachingWatchers) re-attaching)",
            "measured              \(String(format: "%.2f", self.seconds)) s, \(self.events) events, "
                + "\(self.reattaches) re-attaches",
            Self.line("time to first event", self.firstEvent),
            Self.line("gap between events", self.gaps),
        ]
        if self.slowGaps.totalCount > 0 {
            lines.append(Self.line("  of slow watchers", self.slowGaps))
        }
        if let slowest = self.jobSeconds.last {
            let median = self.jobSeconds[self.jobSeconds.count / 2]
            lines.append("job duration          p50 \(String(format: "%.2f", median)) s, max \(String(format: "%.2f", slowest)) s")
        }
        lines += [
            "sequence gaps         \(self.sequenceGaps) (progress events coalesced: \(self.progressSkipped))",
            "duplicates            \(self.duplicates)",
            "out of order          \(self.outOfOrder)",
            "terminals             \(self.terminalsDelivered) of \(self.terminalsExpected) delivered",
            "replays               \(self.brokenReplays == 0 ? "all contiguous" : "\(self.brokenReplays) broken")",
        ]
        if self.errors.isEmpty {
            lines.append("errors                none")
        } else {
            for (error, count) in self.errors.sorted(by: { $0.key < $1.key }) {
                lines.append("errors                \(error): \(count)")
            }
        }
        lines.append("contract              \(self.passed ? "held" : "VIOLATED")")
        return lines.joined(separator: "\n")
    }

    func json() -> String {
        func latency(_ histogram: Histogram<UInt64>) -> [String: Any] {
            var object: [String: Any] = ["count": histogram.totalCount]
            for (name, micros) in Self.percentiles(histogram) { object[name] = micros }
            return object
        }
        var object: [String: Any] = [
            "mode": "jobs",
            "job_kind": self.plan.kind.rawValue,
            "jobs": self.plan.jobs,
            "watchers_per_job": self.plan.watchersPerJob,
            "watchers": self.watchers,
            "slow_watchers": self.slowWatchers,
            "reattaching_watchers": self.reattachingWatchers,
            "reattaches": self.reattaches,
            "seconds": self.seconds,
            "events": self.events,
            "time_to_first_event_us": latency(self.firstEvent),
            "event_gap_us": latency(self.gaps),
            "slow_event_gap_us": latency(self.slowGaps),
            "sequence_gaps": self.sequenceGaps,
            "progress_skipped": self.progressSkipped,
            "duplicates": self.duplicates,
            "out_of_order": self.outOfOrder,
            "terminals_delivered": self.terminalsDelivered,
            "terminals_expected": self.terminalsExpected,
            "broken_replays": self.brokenReplays,
            "errors": self.errors,
            "passed": self.passed,
        ]
        if let slowest = self.jobSeconds.last {
            object["job_seconds"] = ["p50": self.jobSeconds[self.jobSeconds.count / 2], "max": slowest]
        }
        let options: JSONSerialization.WritingOptions = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: options)) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
