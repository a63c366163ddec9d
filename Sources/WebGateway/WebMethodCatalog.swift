public import Foundation
internal import RPCFraming
public import SwiftProtobuf

/// What the gateway knows of each method beyond the router's bytes: its request and response message types, for
/// Connect's JSON (swift-protobuf's canonical proto3 JSON mapping), and whether it has no side effects, which
/// allows Connect `GET`.
///
/// Built from the `FileDescriptorSet`s embedded in the binary (method names, input and output types,
/// `idempotency_level`) and the generated Swift types of the messages. A method the catalog lacks is still
/// served in binary protobuf (gRPC-Web, Connect `application/proto`), only not in JSON and not by `GET`.
public struct WebMethodCatalog: Sendable {
    struct Entry: Sendable {
        let input: any SwiftProtobuf.Message.Type
        let output: any SwiftProtobuf.Message.Type
        let hasNoSideEffects: Bool
    }

    /// A method of a descriptor set whose message type is not among the types given.
    public struct MissingMessageType: Error, CustomStringConvertible {
        public let method: String
        public let messageType: String
        public var description: String { "\(self.method): no Swift type given for \(self.messageType)" }
    }

    private var entries: [String: Entry] = [:]

    /// An empty catalog: every method binary-only.
    public init() {}

    /// - Parameters:
    ///   - descriptorSets: serialized `FileDescriptorSet`s; every method of every service in them is catalogued.
    ///   - messageTypes: the generated types of those methods' messages.
    /// - Throws: ``MissingMessageType`` when a method's input or output type is not in `messageTypes`.
    public init(descriptorSets: [Data], messageTypes: [any SwiftProtobuf.Message.Type]) throws {
        var types: [String: any SwiftProtobuf.Message.Type] = [:]
        for type in messageTypes {
            types[type.protoMessageName] = type
        }
        for data in descriptorSets {
            let set = try Google_Protobuf_FileDescriptorSet(serializedBytes: data)
            for file in set.file {
                let package = file.package.isEmpty ? "" : file.package + "."
                for service in file.service {
                    for method in service.method {
                        let path = "/\(package)\(service.name)/\(method.name)"
                        func lookUp(_ name: String) throws -> any SwiftProtobuf.Message.Type {
                            let bare = name.hasPrefix(".") ? String(name.dropFirst()) : name
                            guard let type = types[bare] else {
                                throw MissingMessageType(method: path, messageType: bare)
                            }
                            return type
                        }
                        self.entries[path] = Entry(
                            input: try lookUp(method.inputType),
                            output: try lookUp(method.outputType),
                            hasNoSideEffects: method.options.idempotencyLevel == .noSideEffects
                        )
                    }
                }
            }
        }
    }

    /// The paths of the catalogued methods.
    public var methodPaths: [String] { self.entries.keys.sorted() }

    func entry(for path: String) -> Entry? {
        self.entries[path]
    }

    /// True when the method is declared `idempotency_level = NO_SIDE_EFFECTS`.
    public func hasNoSideEffects(_ path: String) -> Bool {
        self.entries[path]?.hasNoSideEffects ?? false
    }
}

extension WebMethodCatalog.Entry {
    /// A JSON request as the binary message the handler takes. INVALID_ARGUMENT when it is not valid JSON for the
    /// type; unknown fields are ignored, as Connect servers do.
    func requestFromJSON(_ json: [UInt8]) throws(RPCError) -> [UInt8] {
        var options = JSONDecodingOptions()
        options.ignoreUnknownFields = true
        do {
            let message = try self.input.init(jsonUTF8Bytes: json, extensions: nil, options: options)
            return try message.serializedBytes()
        } catch {
            throw RPCError(
                code: .invalidArgument,
                message: "cannot decode the request as \(self.input.protoMessageName) JSON: \(error)"
            )
        }
    }

    /// A binary response as JSON.
    func responseToJSON(_ bytes: [UInt8]) throws(RPCError) -> [UInt8] {
        do {
            let message = try self.output.init(
                serializedBytes: bytes,
                extensions: nil,
                partial: false,
                options: .init()
            )
            return try message.jsonUTF8Bytes()
        } catch {
            throw RPCError(
                code: .internalError,
                message: "cannot encode the response as \(self.output.protoMessageName) JSON"
            )
        }
    }
}
