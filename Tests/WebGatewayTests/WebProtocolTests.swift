import Testing

@testable import WebGateway

struct WebProtocolTests {
    @Test(arguments: [
        ("application/grpc-web", WebProtocol.grpcWeb(text: false)),
        ("application/grpc-web+proto", .grpcWeb(text: false)),
        ("Application/GRPC-Web-Text; charset=utf-8", .grpcWeb(text: true)),
        ("application/grpc-web-text+proto", .grpcWeb(text: true)),
        ("application/json", .connectUnary(.json)),
        ("application/json; charset=utf-8", .connectUnary(.json)),
        ("application/proto", .connectUnary(.proto)),
        ("application/connect+json", .connectStreaming(.json)),
        ("application/connect+proto", .connectStreaming(.proto)),
    ])
    func contentTypes(contentType: String, expected: WebProtocol) {
        #expect(WebProtocol(postContentType: contentType) == expected)
    }

    @Test(arguments: ["application/grpc", "application/grpc-web+json", "text/plain", "", "application/connect"])
    func contentTypesWeDoNotSpeak(contentType: String) {
        #expect(WebProtocol(postContentType: contentType) == nil)
    }

    @Test func responseContentTypes() {
        #expect(WebProtocol.grpcWeb(text: false).responseContentType == "application/grpc-web+proto")
        #expect(WebProtocol.grpcWeb(text: true).responseContentType == "application/grpc-web-text+proto")
        #expect(WebProtocol.connectUnary(.json).responseContentType == "application/json")
        #expect(WebProtocol.connectStreaming(.proto).responseContentType == "application/connect+proto")
    }
}
