import Foundation
import Histogram
import NIOCore

/// The figures of a bench run, merged over its connections.
struct BenchReport {
    let method: String
    let connections: Int
    let concurrency: Int
    let requestBytes: Int
    let successes: Int
    let messages: Int
    let errors: [String: Int]
    let seconds: Double
    let histogram: Histogram<UInt64>

    init(drivers: [LoadDriver], method: String, connections: Int, concurrency: Int, requestBytes: Int) {
        self.method = method
        self.connections = connections
        self.concurrency = concurrency
        self.requestBytes = requestBytes
        var histogram = Histogram<UInt64>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three)
        var successes = 0
        var messages = 0
        var errors: [String: Int] = [:]
        var first: NIODeadline?
        var last: NIODeadline?
        for driver in drivers {
            histogram.add(driver.histogram)
            successes += driver.successes
            messages += driver.messages
            errors.merge(driver.errors, uniquingKeysWith: +)
            if let start = driver.firstMeasured { first = min(first ?? start, start) }
            if let end = driver.lastMeasured { last = max(last ?? end, end) }
        }
        self.histogram = histogram
        self.successes = successes
        self.messages = messages
        self.errors = errors
        if let first, let last {
            self.seconds = Double((last - first).nanoseconds) / 1e9
        } else {
            self.seconds = 0
        }
    }

    var throughput: Double { self.seconds > 0 ? Double(self.successes) / self.seconds : 0 }

    /// Latency percentiles in microseconds.
    var percentiles: [(name: String, micros: UInt64)] {
        guard self.histogram.totalCount > 0 else { return [] }
        return [
            ("p50", self.histogram.valueAtPercentile(50)), ("p90", self.histogram.valueAtPercentile(90)),
            ("p99", self.histogram.valueAtPercentile(99)), ("p99.9", self.histogram.valueAtPercentile(99.9)),
            ("max", self.histogram.max),
        ]
    }

    func text() -> String {
        var lines = [
            "method        \(self.method) (\(self.requestBytes)-byte requests)",
            "connections   \(self.connections) x \(self.concurrency) calls in flight",
            "measured      \(String(format: "%.2f", self.seconds)) s",
            "succeeded     \(self.successes) calls, \(String(format: "%.0f", self.throughput)) calls/s",
        ]
        if self.messages != self.successes && self.seconds > 0 {
            let rate = String(format: "%.0f", Double(self.messages) / self.seconds)
            lines.append("messages      \(self.messages), \(rate) msgs/s")
        }
        for (name, micros) in self.percentiles {
            lines.append("\(name.padding(toLength: 14, withPad: " ", startingAt: 0))\(Self.format(micros: micros))")
        }
        if self.errors.isEmpty {
            lines.append("errors        none")
        } else {
            for (code, count) in self.errors.sorted(by: { $0.key < $1.key }) {
                lines.append("errors        \(code): \(count)")
            }
        }
        return lines.joined(separator: "\n")
    }

    func json() -> String {
        var latency: [String: Any] = [:]
        for (name, micros) in self.percentiles {
            latency[name] = micros
        }
        let object: [String: Any] = [
            "method": self.method,
            "connections": self.connections,
            "concurrency": self.concurrency,
            "request_bytes": self.requestBytes,
            "seconds": self.seconds,
            "succeeded": self.successes,
            "messages": self.messages,
            "calls_per_second": self.throughput,
            "latency_us": latency,
            "errors": self.errors,
        ]
        let options: JSONSerialization.WritingOptions = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: options)) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    private static func format(micros: UInt64) -> String {
        micros >= 10_000 ? String(format: "%.2f ms", Double(micros) / 1000) : "\(micros) µs"
    }
}
