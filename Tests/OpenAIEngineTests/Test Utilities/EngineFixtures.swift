import AsyncHTTPClient
import Logging
import PlanningEngine

@testable import OpenAIEngine

/// Shared setup: an engine pointed at a stub server, with timeouts and backoffs small enough to
/// keep every test under a few seconds.
enum EngineFixtures {
    static let secret = "sk-test-SECRET-0123456789"

    static func configuration(_ server: StubChatServer) -> OpenAIEngine.Configuration {
        OpenAIEngine.Configuration(
            baseURL: server.baseURL,
            model: "stub-model",
            apiKey: APIKey(secret),
            requestTimeout: .seconds(3),
            maxRetries: 2,
            initialBackoff: .milliseconds(5),
            maxBackoff: .milliseconds(20),
            maxRetryAfter: .seconds(1),
            maxConcurrentRequests: 4,
            contextBudgetCharacters: 4_000
        )
    }

    /// Runs `body` with a stub server, and an engine on a fresh HTTP client that is shut down after.
    static func withEngine<T>(
        respond: @escaping @Sendable (StubChatServer.Request, Int) -> StubChatServer.Behavior,
        configure: (inout OpenAIEngine.Configuration) -> Void = { _ in },
        _ body: (OpenAIEngine, StubChatServer) async throws -> T
    ) async throws -> T {
        try await StubChatServer.with(respond: respond) { server in
            let client = HTTPClient(eventLoopGroupProvider: .singleton)
            do {
                var config = Self.configuration(server)
                configure(&config)
                let engine = try OpenAIEngine(configuration: config, httpClient: client)
                let result = try await body(engine, server)
                try await client.shutdown()
                return result
            } catch {
                try? await client.shutdown()
                throw error
            }
        }
    }

    static let catalog = PDECatalog([
        PDEDescriptor(
            id: "LNS.LOAN.CURR_BAL_AMT", system: "LNS", table: "LOAN", column: "CURR_BAL_AMT",
            dataType: "DECIMAL(18,2)", description: "Current outstanding principal balance"),
        PDEDescriptor(
            id: "LNS.LOAN.ORIG_BAL_AMT", system: "LNS", table: "LOAN", column: "ORIG_BAL_AMT",
            dataType: "DECIMAL(18,2)", description: "Original loan balance at origination"),
        PDEDescriptor(
            id: "LNS.LOAN.MAT_DT", system: "LNS", table: "LOAN", column: "MAT_DT", dataType: "DATE",
            description: "Maturity date"),
        PDEDescriptor(
            id: "CIF.CUST.TIN", system: "CIF", table: "CUST", column: "TIN", dataType: "VARCHAR(11)",
            description: "Taxpayer identification number", sampleValues: ["123-45-6789"]),
    ])

    static let balance = AttributeQuery(
        name: "Outstanding Balance", description: "The current unpaid principal balance", dataType: .amount)

    static let mappingAnswer = """
        {"suggestions": [
          {"pde_id": "LNS.LOAN.ORIG_BAL_AMT", "confidence": 0.3, "rationale": "original, not current"},
          {"pde_id": "LNS.LOAN.CURR_BAL_AMT", "confidence": 0.92, "rationale": "current principal balance"}
        ]}
        """

    static let classificationAnswer = """
        {"criticality": "high", "security_class": "restricted", "contains_personal_data": true,
         "rationale": "taxpayer identification number", "rule": "personal.tax-id"}
        """
}

extension ContinuousClock {
    /// How long `body` took, with its result or error.
    static func measure<T>(_ body: () async throws -> T) async -> (Duration, Result<T, any Error>) {
        let start = ContinuousClock.now
        do {
            let value = try await body()
            return (ContinuousClock.now - start, .success(value))
        } catch {
            return (ContinuousClock.now - start, .failure(error))
        }
    }
}
