import ArgumentParser
import Dispatch
import Foundation
import PlanningRPC
import RPCClientProtobuf
import RPCFraming
import SwiftProtobuf

#if canImport(Glibc)
import Glibc
#endif

/// Follows one job's event stream to its terminal event and prints it: a live progress bar on a terminal,
/// one line per event elsewhere, every event as a JSON line with `--output json` (but progress events the server
/// coalesced because a newer one came before this reader took it).
///
/// When the connection drops mid-job, or the server drains (its last event is `server_draining`), it re-attaches
/// with `WatchJob` from the last sequence it printed, so no event is shown twice or lost. Ctrl-C detaches (the job
/// goes on) and prints the command to re-attach, or
/// cancels the job with `--cancel-on-exit`.
struct JobFollower {
    let client: PlanningClient
    let format: OutputFormat
    let cancelOnExit: Bool
    /// How often to try re-attaching after the connection is lost before giving up.
    var maxReattachAttempts = 30

    /// Follows the stream `start` opens; returns the process exit code of the job's outcome.
    func run(start: @escaping @Sendable () throws -> MessageStream<Planning_V1_JobEvent>) async throws -> Int32 {
        let progress = Progress()
        let follow = Task { try await self.follow(start: start, progress: progress) }
        signal(SIGINT, SIG_IGN)
        let interrupt = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        interrupt.setEventHandler { follow.cancel() }
        interrupt.resume()
        defer { interrupt.cancel() }
        do {
            return try await follow.value
        } catch is CancellationError {
            return try await self.detach(progress)
        } catch let error as RPCError where error.code == .cancelled && follow.isCancelled {
            // Ctrl-C cancelled the call under the stream: the client went away, not the job.
            return try await self.detach(progress)
        }
    }

    private func detach(_ progress: Progress) async throws -> Int32 {
        let (jobID, sequence) = progress.position
        if self.format == .table {
            Swift.print("")
            fflush(nil)
        }
        guard let jobID else {
            printError("interrupted before the job was accepted")
            return 130
        }
        if self.cancelOnExit {
            var request = Planning_V1_CancelJobRequest()
            request.jobID = jobID
            _ = try await self.client.cancelJob(request)
            printError("cancel requested for job \(jobID)")
        } else {
            printError("detached; the job goes on. Re-attach with: planning-rpc jobs watch \(jobID) --after \(sequence)")
        }
        return 130
    }

    private func follow(
        start: @escaping @Sendable () throws -> MessageStream<Planning_V1_JobEvent>,
        progress: Progress
    ) async throws -> Int32 {
        var renderer = JobEventRenderer(interactive: self.format == .table && isatty(STDOUT_FILENO) != 0)
        var stream = try start()
        var attempts = 0
        while true {
            do {
                for try await event in stream {
                    if case .heartbeat = event.payload {
                        // Repeats the latest sequence: shown (JSON) but not counted.
                        try self.print(event, renderer: &renderer)
                        continue
                    }
                    if case .serverDraining(let draining) = event.payload {
                        // Not an event of the job: the server goes away and the stream ends after it. Resume
                        // from what was printed, which the server's resume_after_sequence can only equal.
                        printError(
                            "server draining after sequence \(draining.resumeAfterSequence); re-attaching after "
                                + "\(progress.position.sequence)")
                        continue
                    }
                    attempts = 0
                    guard event.sequence > progress.position.sequence else { continue }  // seen before a re-attach
                    progress.advance(jobID: event.jobID, sequence: event.sequence)
                    try self.print(event, renderer: &renderer)
                    if event.state.isTerminal {
                        return Self.exitCode(event)
                    }
                }
                // The stream ended without a terminal event (the server drained): re-attach after a pause, so that
                // a server still draining is not asked again at once; the next attempt may find it gone and retry.
                attempts += 1
                guard attempts <= self.maxReattachAttempts else {
                    throw RPCError(code: .unavailable, message: "the job's stream keeps ending before the job does")
                }
                try await Task.sleep(for: Self.backoff(attempts))
            } catch let error as RPCError where error.code == .unavailable && progress.position.jobID != nil {
                attempts += 1
                guard attempts <= self.maxReattachAttempts else { throw error }
                try await Task.sleep(for: Self.backoff(attempts))
            }
            let (jobID, sequence) = progress.position
            guard let jobID else { throw RPCError(code: .unavailable, message: "the stream ended before the job was accepted") }
            var request = Planning_V1_WatchJobRequest()
            request.jobID = jobID
            request.afterSequence = sequence
            stream = try self.client.watchJob(request)
        }
    }

    private func print(_ event: Planning_V1_JobEvent, renderer: inout JobEventRenderer) throws {
        let text: String
        switch self.format {
        case .json:
            var options = JSONEncodingOptions()
            options.preserveProtoFieldNames = true
            text = try event.jsonString(options: options) + "\n"
        case .table:
            text = renderer.render(event)
        }
        // stdio, not FileHandle: a closed pipe (`| head`) ends the process with SIGPIPE as any CLI would,
        // instead of a thrown write error.
        Swift.print(text, terminator: "")
        fflush(nil)
    }

    /// The pause before re-attach attempt `attempt` (from 1): 100 ms growing to 2 s.
    private static func backoff(_ attempt: Int) -> Duration {
        .milliseconds(min(2000, 100 * attempt * attempt))
    }

    private static func exitCode(_ event: Planning_V1_JobEvent) -> Int32 {
        guard case .error(let error) = event.payload else { return 0 }
        return StatusCode(rawValue: Int(error.code)).map(exitCodeFor) ?? 1
    }

    /// The job and last sequence printed, shared with the Ctrl-C path.
    final class Progress: @unchecked Sendable {
        private let lock = NSLock()
        private var jobID: String?
        private var sequence: Int64 = 0

        var position: (jobID: String?, sequence: Int64) {
            self.lock.withLock { (self.jobID, self.sequence) }
        }

        func advance(jobID: String, sequence: Int64) {
            self.lock.withLock {
                self.jobID = jobID
                self.sequence = sequence
            }
        }
    }
}

private func exitCodeFor(_ code: StatusCode) -> Int32 {
    exitCode(for: code)
}

/// Options of the commands that follow a job.
struct FollowOptions: ParsableArguments {
    @Flag(help: "Cancel the job when this command is interrupted (Ctrl-C) instead of detaching.")
    var cancelOnExit = false
}
