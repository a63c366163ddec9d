public import Logging
public import NIOCore

extension RPCServer {
    /// Serves gRPC on a channel that no listener accepted: an in-memory channel in a fuzz harness or a test,
    /// fed raw HTTP/2 bytes. The connection behaves as an accepted one (the same nghttp2 session, limits and
    /// handlers); its handler tasks run on `channel.eventLoop`.
    @_spi(Testing)
    public static func serveConnection(
        on channel: any Channel,
        configuration: ServerConfiguration,
        router: RPCRouter,
        logger: Logger
    ) throws {
        let connection = HTTP2ServerConnection(
            configuration: configuration,
            router: router,
            eventLoop: channel.eventLoop,
            peer: "in-memory",
            logger: logger
        )
        try channel.pipeline.syncOperations.addHandler(HTTP2ServerHandler(connection: connection))
    }
}
