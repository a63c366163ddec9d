import Foundation
import SwiftProtobuf
import Testing

@testable import RPCServices

@Suite struct ReflectionSessionTests {
    /// b.proto declares `t.B`; a.proto imports it and declares a service, messages, an enum and an extension of B.
    static let descriptorSet: Data = {
        let b = Google_Protobuf_FileDescriptorProto.with {
            $0.name = "t/b.proto"
            $0.package = "t"
            $0.messageType = [.with { $0.name = "B" }]
        }
        let a = Google_Protobuf_FileDescriptorProto.with {
            $0.name = "t/a.proto"
            $0.package = "t"
            $0.dependency = ["t/b.proto"]
            $0.service = [.with { $0.name = "S"; $0.method = [.with { $0.name = "M" }] }]
            $0.messageType = [
                .with {
                    $0.name = "A"
                    $0.field = [.with { $0.name = "id"; $0.number = 1 }]
                    $0.nestedType = [.with { $0.name = "Inner" }]
                }
            ]
            $0.enumType = [.with { $0.name = "E"; $0.value = [.with { $0.name = "E_ZERO" }] }]
            $0.extension = [.with { $0.name = "b_ext"; $0.number = 100; $0.extendee = ".t.B" }]
        }
        return try! Google_Protobuf_FileDescriptorSet.with { $0.file = [a, b] }.serializedBytes()
    }()

    static func session() throws -> ReflectionSession {
        ReflectionSession(
            index: try ReflectionIndex(descriptorSets: [descriptorSet]),
            serviceNames: ["grpc.reflection.v1.ServerReflection", "t.S"]
        )
    }

    static func fileNames(_ response: ReflectionSession.Response) throws -> [String] {
        guard case .fileDescriptorResponse(let files) = response.messageResponse else {
            Issue.record("expected files, got \(String(describing: response.messageResponse))")
            return []
        }
        return try files.fileDescriptorProto.map { try Google_Protobuf_FileDescriptorProto(serializedBytes: $0).name }
    }

    @Test func testListServicesAnswersTheNames() throws {
        var session = try Self.session()
        let request = ReflectionSession.Request.with { $0.host = "localhost"; $0.listServices = "*" }
        let response = session.respond(to: request)
        #expect(response.listServicesResponse.service.map(\.name) == ["grpc.reflection.v1.ServerReflection", "t.S"])
        #expect(response.validHost == "localhost")
        #expect(response.originalRequest == request)
    }

    @Test(arguments: ["t.S", "t.S.M", "t.A", "t.A.id", "t.A.Inner", "t.E", "t.b_ext"])
    func testFileContainingSymbolSendsFileThenImports(symbol: String) throws {
        var session = try Self.session()
        let response = session.respond(to: .with { $0.fileContainingSymbol = symbol })
        #expect(try Self.fileNames(response) == ["t/a.proto", "t/b.proto"])
    }

    @Test func testFilesAlreadySentAreLeftOutExceptTheOneAskedFor() throws {
        var session = try Self.session()
        let service = session.respond(to: .with { $0.fileContainingSymbol = "t.S" })
        #expect(try Self.fileNames(service) == ["t/a.proto", "t/b.proto"])
        let message = session.respond(to: .with { $0.fileContainingSymbol = "t.A" })
        #expect(try Self.fileNames(message) == ["t/a.proto"])
        let imported = session.respond(to: .with { $0.fileByFilename = "t/b.proto" })
        #expect(try Self.fileNames(imported) == ["t/b.proto"])
    }

    @Test func testFileByFilenameSendsTheFile() throws {
        var session = try Self.session()
        #expect(try Self.fileNames(session.respond(to: .with { $0.fileByFilename = "t/b.proto" })) == ["t/b.proto"])
    }

    @Test(arguments: [
        ReflectionSession.Request.with { $0.fileContainingSymbol = "t.Nope" },
        ReflectionSession.Request.with { $0.fileByFilename = "nope.proto" },
        ReflectionSession.Request.with {
            $0.fileContainingExtension = .with { $0.containingType = "t.B"; $0.extensionNumber = 7 }
        },
        ReflectionSession.Request.with { $0.allExtensionNumbersOfType = "t.Nope" },
    ])
    func testUnknownNamesAreNotFound(request: ReflectionSession.Request) throws {
        var session = try Self.session()
        let response = session.respond(to: request)
        #expect(response.errorResponse.errorCode == 5)
        #expect(!response.errorResponse.errorMessage.isEmpty)
    }

    @Test func testExtensionsAreFound() throws {
        var session = try Self.session()
        let file = session.respond(to: .with {
            $0.fileContainingExtension = .with { $0.containingType = "t.B"; $0.extensionNumber = 100 }
        })
        #expect(try Self.fileNames(file) == ["t/a.proto", "t/b.proto"])
        let numbers = session.respond(to: .with { $0.allExtensionNumbersOfType = "t.B" })
        #expect(numbers.allExtensionNumbersResponse.baseTypeName == "t.B")
        #expect(numbers.allExtensionNumbersResponse.extensionNumber == [100])
        let none = session.respond(to: .with { $0.allExtensionNumbersOfType = "t.A.Inner" })
        #expect(none.allExtensionNumbersResponse.extensionNumber == [])
    }

    @Test func testRequestWithoutMessageIsInvalidArgument() throws {
        var session = try Self.session()
        #expect(session.respond(to: .init()).errorResponse.errorCode == 3)
    }

    @Test func testServiceDescriptorsDescribeHealthAndReflection() throws {
        let index = try ReflectionIndex(descriptorSets: [GRPCServicesDescriptorSet.data])
        #expect(index.symbols["grpc.health.v1.Health"] == "grpc/health/v1/health.proto")
        #expect(index.symbols["grpc.health.v1.Health.Watch"] == "grpc/health/v1/health.proto")
        #expect(index.symbols["grpc.reflection.v1.ServerReflection"] == "grpc/reflection/v1/reflection.proto")
        #expect(
            index.symbols["grpc.reflection.v1alpha.ServerReflectionRequest"]
                == "grpc/reflection/v1alpha/reflection.proto"
        )
    }

    @Test func testEarlierSetWinsWhenFilesRepeat() throws {
        let index = try ReflectionIndex(descriptorSets: [Self.descriptorSet, Self.descriptorSet])
        #expect(index.files.count == 2)
    }
}
