internal import Foundation
internal import SwiftProtobuf

/// The files and symbols of one or more `FileDescriptorSet`s, looked up the way server reflection needs.
///
/// Built once at start-up from the descriptor sets embedded in the binary; immutable after.
struct ReflectionIndex: Sendable {
    struct File: Sendable {
        let proto: Google_Protobuf_FileDescriptorProto
        /// The serialized `FileDescriptorProto`, as reflection sends it.
        let bytes: Data
    }

    /// Extension fields by extended type (fully qualified, no leading dot), then by field number: the file.
    private(set) var extensions: [String: [Int32: String]] = [:]
    private(set) var files: [String: File] = [:]
    /// Fully qualified symbol (no leading dot) to the name of the file that declares it.
    private(set) var symbols: [String: String] = [:]

    /// Indexes every file of every set; a file name already seen in an earlier set is skipped (e.g.
    /// `google/protobuf/timestamp.proto` imported by several APIs).
    init(descriptorSets: [Data]) throws {
        for data in descriptorSets {
            let set = try Google_Protobuf_FileDescriptorSet(serializedBytes: data)
            for file in set.file where self.files[file.name] == nil {
                self.files[file.name] = File(proto: file, bytes: try file.serializedBytes())
                self.index(file)
            }
        }
    }

    /// The file and its transitive imports, each once, the requested file first; files already in `sent` are
    /// left out, except the requested one (grpc-go's rule, so that every answer names its file).
    func fileWithDependencies(_ name: String, sent: inout Set<String>) -> [Data]? {
        guard self.files[name] != nil else { return nil }
        var result: [Data] = []
        var queue = [name]
        var seen: Set<String> = []
        while !queue.isEmpty {
            let current = queue.removeFirst()
            guard seen.insert(current).inserted, let file = self.files[current] else { continue }
            if result.isEmpty || !sent.contains(current) {
                sent.insert(current)
                result.append(file.bytes)
            }
            queue += file.proto.dependency
        }
        return result
    }

    /// Whether `name` is a message type, for `all_extension_numbers_of_type`.
    func isMessage(_ name: String) -> Bool {
        guard let file = self.symbols[name], let proto = self.files[file]?.proto else { return false }
        let prefix = proto.package.isEmpty ? "" : proto.package + "."
        func contains(_ messages: [Google_Protobuf_DescriptorProto], scope: String) -> Bool {
            messages.contains { message in
                let full = scope + message.name
                return full == name || contains(message.nestedType, scope: full + ".")
            }
        }
        return contains(proto.messageType, scope: prefix)
    }

    // MARK: Indexing

    private mutating func index(_ file: Google_Protobuf_FileDescriptorProto) {
        let scope = file.package.isEmpty ? "" : file.package + "."
        for service in file.service {
            let name = scope + service.name
            self.symbols[name] = file.name
            for method in service.method {
                self.symbols[name + "." + method.name] = file.name
            }
        }
        for message in file.messageType {
            self.index(message, scope: scope, file: file.name)
        }
        for enumeration in file.enumType {
            self.symbols[scope + enumeration.name] = file.name
        }
        self.index(extensions: file.extension, scope: scope, file: file.name)
    }

    private mutating func index(_ message: Google_Protobuf_DescriptorProto, scope: String, file: String) {
        let name = scope + message.name
        self.symbols[name] = file
        for field in message.field {
            self.symbols[name + "." + field.name] = file
        }
        for oneof in message.oneofDecl {
            self.symbols[name + "." + oneof.name] = file
        }
        for nested in message.nestedType {
            self.index(nested, scope: name + ".", file: file)
        }
        for enumeration in message.enumType {
            self.symbols[name + "." + enumeration.name] = file
        }
        self.index(extensions: message.extension, scope: name + ".", file: file)
    }

    private mutating func index(extensions: [Google_Protobuf_FieldDescriptorProto], scope: String, file: String) {
        for field in extensions {
            self.symbols[scope + field.name] = file
            let extended = field.extendee.hasPrefix(".") ? String(field.extendee.dropFirst()) : field.extendee
            self.extensions[extended, default: [:]][field.number] = file
        }
    }
}
