import Foundation
import Testing

@testable import OpenAIEngine

struct ConfigurationTests {
    @Test func testAPIKeyNeverPrints() {
        let key = APIKey("sk-very-secret")
        let configuration = OpenAIEngine.Configuration(baseURL: "http://localhost:1/v1", model: "m", apiKey: key)
        var dumped = ""
        dump(configuration, to: &dumped)
        for text in [String(describing: configuration), String(reflecting: configuration), dumped, "\(key!)"] {
            #expect(!text.contains("sk-very-secret"))
        }
        #expect(APIKey("  ") == nil)
        #expect(APIKey.fromEnvironment("KEY", environment: ["KEY": " sk-x \n"])?.secret == "sk-x")
        #expect(APIKey.fromEnvironment("KEY", environment: [:]) == nil)
    }

    @Test(arguments: [
        ("ftp://host/v1", "m", "base URL"), ("http://host/v1", " ", "model name"),
    ])
    func testInvalidConfiguration(baseURL: String, model: String, reason: String) {
        let error = #expect(throws: OpenAIEngineError.self) {
            try OpenAIEngine(configuration: .init(baseURL: baseURL, model: model))
        }
        #expect(error?.code == .invalidConfiguration)
        #expect(error?.message.contains(reason) == true)
    }

    @Test func testLimitsAreValidated() {
        var configuration = OpenAIEngine.Configuration(baseURL: "https://api.openai.com/v1", model: "gpt-4o-mini")
        #expect(throws: Never.self) { try configuration.validate() }
        configuration.maxConcurrentRequests = 0
        #expect(throws: OpenAIEngineError.self) { try configuration.validate() }
    }

    @Test func testEndpoint() {
        let configuration = OpenAIEngine.Configuration(baseURL: "http://localhost:11434/v1//", model: "llama3.1")
        #expect(configuration.chatCompletionsURL == "http://localhost:11434/v1/chat/completions")
    }

    @Test func testRetryAfterParsing() {
        #expect(RetryPolicy.parseRetryAfter("2") == .seconds(2))
        #expect(RetryPolicy.parseRetryAfter(" 0.25 ") == .milliseconds(250))
        #expect(RetryPolicy.parseRetryAfter("soon") == nil)
        #expect(RetryPolicy.parseRetryAfter("-1") == nil)
        let now = Date(timeIntervalSince1970: 1_445_412_480)  // Wed, 21 Oct 2015 07:28:00 GMT
        #expect(RetryPolicy.parseRetryAfter("Wed, 21 Oct 2015 07:28:30 GMT", now: now) == .seconds(30))
        #expect(RetryPolicy.parseRetryAfter("Wed, 21 Oct 2015 07:27:00 GMT", now: now) == .zero)
    }

    @Test func testBackoffGrowsWithJitterAndIsCapped() {
        let policy = RetryPolicy(
            maxRetries: 5, initialBackoff: .milliseconds(100), maxBackoff: .milliseconds(350),
            maxRetryAfter: .seconds(2))
        for _ in 0..<50 {
            #expect(
                (Duration.milliseconds(50)...Duration.milliseconds(100)).contains(
                    policy.delay(beforeRetry: 1, retryAfter: nil)))
            #expect(
                (Duration.milliseconds(100)...Duration.milliseconds(200)).contains(
                    policy.delay(beforeRetry: 2, retryAfter: nil)))
            #expect(
                (Duration.milliseconds(175)...Duration.milliseconds(350)).contains(
                    policy.delay(beforeRetry: 5, retryAfter: nil)))
        }
        #expect(policy.delay(beforeRetry: 1, retryAfter: .seconds(9)) == .seconds(2))
        #expect(RetryPolicy.isRetryable(status: 429) && RetryPolicy.isRetryable(status: 502))
        #expect(!RetryPolicy.isRetryable(status: 400) && !RetryPolicy.isRetryable(status: 401))
    }
}
