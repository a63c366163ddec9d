internal import Foundation
internal import RPCFraming

/// Answers the requests of one ServerReflectionInfo stream, in order.
///
/// Per stream because of one piece of state: the files already sent, which later answers leave out (the
/// protocol allows it, grpc-go does it, and it keeps `grpcurl describe` of a big API from resending the imports).
struct ReflectionSession {
    let index: ReflectionIndex
    let serviceNames: [String]
    private var sent: Set<String> = []

    init(index: ReflectionIndex, serviceNames: [String]) {
        self.index = index
        self.serviceNames = serviceNames
    }

    typealias Request = Grpc_Reflection_V1_ServerReflectionRequest
    typealias Response = Grpc_Reflection_V1_ServerReflectionResponse

    mutating func respond(to request: Request) -> Response {
        var response = Response()
        response.validHost = request.host
        response.originalRequest = request
        switch request.messageRequest {
        case .listServices:
            response.listServicesResponse = .with { list in
                list.service = self.serviceNames.map { name in .with { $0.name = name } }
            }
        case .fileByFilename(let name):
            response.messageResponse = self.files(name, notFound: "file not found: \(name)")
        case .fileContainingSymbol(let symbol):
            let file = self.index.symbols[symbol] ?? ""
            response.messageResponse = self.files(file, notFound: "symbol not found: \(symbol)")
        case .fileContainingExtension(let request):
            let file = self.index.extensions[request.containingType]?[request.extensionNumber] ?? ""
            response.messageResponse = self.files(
                file,
                notFound: "extension not found: \(request.containingType) \(request.extensionNumber)"
            )
        case .allExtensionNumbersOfType(let type):
            if self.index.isMessage(type) {
                response.allExtensionNumbersResponse = .with {
                    $0.baseTypeName = type
                    $0.extensionNumber = (self.index.extensions[type]?.keys).map { $0.sorted() } ?? []
                }
            } else {
                response.errorResponse = Self.error(.notFound, "type not found: \(type)")
            }
        case nil:
            response.errorResponse = Self.error(.invalidArgument, "the request sets no message_request")
        }
        return response
    }

    private mutating func files(_ name: String, notFound: String) -> Response.OneOf_MessageResponse {
        guard let files = self.index.fileWithDependencies(name, sent: &self.sent) else {
            return .errorResponse(Self.error(.notFound, notFound))
        }
        return .fileDescriptorResponse(.with { $0.fileDescriptorProto = files })
    }

    private static func error(_ code: StatusCode, _ message: String) -> Grpc_Reflection_V1_ErrorResponse {
        .with {
            $0.errorCode = Int32(code.rawValue)
            $0.errorMessage = message
        }
    }
}
