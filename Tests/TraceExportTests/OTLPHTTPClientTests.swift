import NIOHTTP1
import Testing

@testable import TraceExport

@Suite struct OTLPHTTPClientTests {
    private func head(_ status: Int, retryAfter: String? = nil) -> HTTPResponseHead {
        var headers = HTTPHeaders()
        if let retryAfter { headers.add(name: "retry-after", value: retryAfter) }
        return HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: status), headers: headers)
    }

    @Test(arguments: [200, 202, 299])
    func twoHundredsAreAccepted(status: Int) {
        #expect(OTLPHTTPClient.outcome(of: self.head(status)) == .accepted)
    }

    @Test(arguments: [429, 502, 503, 504])
    func theRetryableAnswersAreRetryable(status: Int) {
        #expect(OTLPHTTPClient.outcome(of: self.head(status)) == .retryable("HTTP \(status)", retryAfter: nil))
        #expect(
            OTLPHTTPClient.outcome(of: self.head(status, retryAfter: "2"))
                == .retryable("HTTP \(status)", retryAfter: .seconds(2)))
    }

    @Test(arguments: [300, 400, 404, 413, 428, 430, 500, 501, 505])
    func everythingElseIsFinal(status: Int) {
        #expect(OTLPHTTPClient.outcome(of: self.head(status)) == .rejected("HTTP \(status)"))
    }
}
