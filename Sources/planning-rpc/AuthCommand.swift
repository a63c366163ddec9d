import ArgumentParser
import Foundation
import RPCAuth

/// `planning-rpc auth`: helpers for the daemon's principal file.
struct AuthCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "auth",
        abstract: "Helpers for planning-rpcd's authentication.",
        subcommands: [HashToken.self]
    )

    struct HashToken: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "hash-token",
            abstract: "Prints the SHA-256 (hex) of a bearer token, for token_sha256 in the principal file.",
            discussion: """
                Reads the token from standard input (one line; the newline is not part of it) unless --token is \
                given, so that it stays out of the shell history. Same as: printf %s "$TOKEN" | sha256sum
                """
        )

        @Option(help: "The token (default: read one line from standard input).")
        var token: String?

        func run() throws {
            guard let token = self.token ?? readLine(strippingNewline: true), !token.isEmpty else {
                throw ValidationError("no token: pass --token or write it to standard input")
            }
            print(TokenHash.hex(of: token))
        }
    }
}
