// swift-tools-version:6.1
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "planning-rpcd",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "planning-rpcd", targets: ["planning-rpcd"]),
        .executable(name: "planning-rpc", targets: ["planning-rpc"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // C libraries, each a module map and a shim header, nothing else.
        .systemLibrary(
            name: "CNghttp2",
            pkgConfig: "libnghttp2",
            providers: [.apt(["libnghttp2-dev"]), .brew(["libnghttp2"])]
        ),
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]
        ),

        // gRPC's wire format: bytes in, values out. No I/O, no HTTP/2.
        .target(
            name: "RPCFraming",
            dependencies: ["CZlib"],
            swiftSettings: strict
        ),

        // TLS files for the server and the client: PEM loading with clear errors, key/certificate match, subjects.
        .target(
            name: "RPCTLS",
            dependencies: [
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
            ],
            swiftSettings: strict
        ),

        // OpenTelemetry trace export: spans, a bounded queue, batches posted as OTLP/HTTP JSON. No OpenTelemetry SDK:
        // swift-otel's gRPC exporter would bring swift-protobuf code generation and grpc-swift into every build.
        .target(
            name: "TraceExport",
            dependencies: [
                "RPCFraming",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: strict
        ),

        .testTarget(
            name: "TraceExportTests",
            dependencies: [
                "TraceExport",
                "RPCFraming",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),

        // The HTTP/2 gRPC transport: nghttp2 sessions on SwiftNIO channels, routing, calls.
        .target(
            name: "RPCServer",
            dependencies: [
                "CNghttp2",
                "RPCFraming",
                "RPCTLS",
                "TraceExport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            // Dynamic exclusivity checks (swift_beginAccess/endAccess on the stream and connection
            // classes, from every nghttp2 callback) were 2.4% of a unary call's server CPU. This
            // module's state is confined to one event loop and reached only from that loop's
            // callbacks, so overlapping accesses cannot come from another thread; debug builds
            // keep the checks, so the test suites still exercise them.
            swiftSettings: strict + [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]
        ),

        // The HTTP/2 gRPC client: an nghttp2 client session on a NIO channel, for the CLI, the tests and the bench.
        .target(
            name: "RPCClient",
            dependencies: [
                "CNghttp2",
                "RPCFraming",
                "RPCTLS",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),

        // Typed calls over SwiftProtobuf messages on top of the raw-bytes client.
        .target(
            name: "RPCClientProtobuf",
            dependencies: [
                "RPCClient",
                "RPCFraming",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            swiftSettings: strict
        ),

        // The command-line client: catalog calls and the load generator.
        .executableTarget(
            name: "planning-rpc",
            dependencies: [
                "RPCClient",
                "RPCClientProtobuf",
                "RPCFraming",
                "PlanningRPC",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                "RPCAuth",
            ],
            swiftSettings: strict
        ),

        // Authentication at the router: bearer tokens (hashed at rest), HS256/RS256 JWTs, mTLS subjects.
        .target(
            name: "RPCAuth",
            dependencies: [
                "RPCFraming",
                "RPCServer",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: strict
        ),

        .testTarget(
            name: "RPCAuthTests",
            dependencies: [
                "RPCAuth",
                "RPCFraming",
                "RPCServer",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),

        // Transport tests: the client against an in-process server over real sockets.
        .testTarget(
            name: "RPCServerTests",
            dependencies: [
                "RPCServer",
                "RPCClient",
                "RPCFraming",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),

        // The fuzz targets over the whole server (Fuzz/README.md): a replayer in the debug build, libFuzzer's with
        // `-sanitize=fuzzer,address -parse-as-library -D FUZZING` (scripts/fuzz).
        .executableTarget(
            name: "planning-fuzz",
            dependencies: [
                "RPCServer",
                "RPCFraming",
                "PlanningRPC",
                "PlanningEngine",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            path: "Fuzz/ServerFuzz",
            swiftSettings: strict
        ),

        // A benchmark of the built-in engine's ranking (run by hand, not in the tests).
        .executableTarget(
            name: "engine-bench",
            dependencies: ["PlanningEngine"],
            swiftSettings: strict
        ),

        // The daemon: configuration, lifecycle, signals.
        .executableTarget(
            name: "planning-rpcd",
            dependencies: [
                "RPCServer",
                "PlanningRPC",
                "PlanningPostgres",
                "PlanningEngine",
                "OpenAIEngine",
                "RPCServices",
                "AdminServer",
                "RPCAuth",
                "DaemonConfiguration",
                "RPCFraming",
                "WebGateway",
                "TraceExport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),

        // The daemon's configuration schema: its command's long options, filled from flags, PLANNING_RPCD_*
        // environment variables and a YAML/JSON file, in that order of precedence.
        .target(
            name: "DaemonConfiguration",
            dependencies: [
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strict
        ),

        .testTarget(
            name: "DaemonConfigurationTests",
            dependencies: [
                "DaemonConfiguration",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),

        // The built-in planning engine: document parsing, PDE ranking, PDE classification. Pure Swift.
        .target(
            name: "PlanningEngine",
            swiftSettings: strict
        ),

        // The OpenAI-compatible chat-completions engine: prompts, validation, retries, over AsyncHTTPClient.
        .target(
            name: "OpenAIEngine",
            dependencies: [
                "PlanningEngine",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),

        .testTarget(
            name: "OpenAIEngineTests",
            dependencies: [
                "OpenAIEngine",
                "PlanningEngine",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),

        .testTarget(
            name: "PlanningEngineTests",
            dependencies: ["PlanningEngine"],
            swiftSettings: strict
        ),

        .testTarget(
            name: "RPCFramingTests",
            dependencies: ["RPCFraming", "CNghttp2", "CZlib"],
            swiftSettings: strict
        ),

        // Typed handlers over SwiftProtobuf messages on top of the raw-bytes transport.
        .target(
            name: "RPCProtobuf",
            dependencies: [
                "RPCFraming",
                "RPCServer",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            swiftSettings: strict
        ),

        // The planning service: generated protobuf messages, stores, jobs, engines.
        .target(
            name: "PlanningRPC",
            dependencies: [
                "RPCFraming",
                "RPCServer",
                "TraceExport",
                "RPCProtobuf",
                "PlanningEngine",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            path: "Sources/PlanningRPC",
            exclude: ["Generated/protos.sha256", "Generated/planning.pb"],
            swiftSettings: strict
        ),

        // The PostgreSQL store: the same PlanningStore and JobStore on PostgresNIO, with a shared job queue
        // (leases, SKIP LOCKED claims) and LISTEN/NOTIFY fan-out, for several daemons on one database.
        .target(
            name: "PlanningPostgres",
            dependencies: [
                "PlanningRPC",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            swiftSettings: strict
        ),

        // gRPC's standard services over any router: health checking and server reflection. Knows nothing of planning.
        .target(
            name: "RPCServices",
            dependencies: [
                "RPCFraming",
                "RPCServer",
                "RPCProtobuf",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            exclude: ["Generated/protos.sha256", "Generated/grpc-services.pb"],
            swiftSettings: strict
        ),

        .testTarget(
            name: "RPCServicesTests",
            dependencies: [
                "RPCServices",
                "RPCFraming",
                "RPCServer",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            swiftSettings: strict
        ),

        // The admin listener: HTTP/1.1 for /metrics (Prometheus text format), /healthz and /readyz.
        .target(
            name: "AdminServer",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: strict
        ),

        // The web listener: gRPC-Web and the Connect protocol over HTTP/1.1 on the same router, and the job dashboard.
        .target(
            name: "WebGateway",
            dependencies: [
                "RPCFraming",
                "RPCServer",
                "TraceExport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            swiftSettings: strict
        ),

        .testTarget(
            name: "WebGatewayTests",
            dependencies: [
                "WebGateway",
                "RPCFraming",
                "RPCServer",
                "PlanningRPC",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            swiftSettings: strict
        ),

        .testTarget(
            name: "AdminServerTests",
            dependencies: [
                "AdminServer",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: strict
        ),

        .testTarget(
            name: "PlanningRPCTests",
            dependencies: [
                "PlanningRPC",
                "PlanningPostgres",
                "PlanningEngine",
                "RPCFraming",
                "RPCProtobuf",
                "RPCServer",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strict
        ),
    ],
    swiftLanguageModes: [.v6]
)
