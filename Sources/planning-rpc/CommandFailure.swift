import ArgumentParser
import Foundation
import RPCFraming

/// Runs a command body and turns its failure into one line on stderr and an exit code by error class:
/// 2 NOT_FOUND, 3 UNAVAILABLE, 1 anything else. Usage errors (64) are ArgumentParser's, before this runs.
func reportingFailures(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as RPCError {
        printError("error: \(error.code.name): \(error.message)")
        throw ExitCode(exitCode(for: error.code))
    } catch let error as ExitCode {
        throw error
    } catch let error as ValidationError {
        throw error
    } catch {
        printError("error: \(error)")
        throw ExitCode(1)
    }
}

func exitCode(for code: StatusCode) -> Int32 {
    switch code {
    case .notFound: 2
    case .unavailable: 3
    default: 1
    }
}

func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
