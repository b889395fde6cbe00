// swift-tools-version:6.0
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "cairn",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "cairn", targets: ["cairn"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
    ],
    targets: [
        .executableTarget(
            name: "cairn",
            dependencies: [
                "CairnAccounts", "CairnFilter", "CairnInsights", "CairnKeys", "CairnLogs", "CairnObjects",
                "CairnProtocol", "CairnQueue", "CairnServer",
                "CairnStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CairnServer",
            dependencies: [
                "CairnAccounts", "CairnCrypto", "CairnKeys", "CairnLogs", "CairnMetrics", "CairnNotify",
                "CairnProtocol",
                "CairnQueue", "CairnStore",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CairnProtocol",
            dependencies: [
                "CairnCalendar", "CairnCrypto",
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CairnInsights",
            dependencies: ["CairnCalendar", "CairnFilter"],
            // The engine touches a few class properties per event (rows, stage runners, group states); their
            // dynamic exclusivity checks cost a sixth of a JSON stats query in release builds. Debug builds (and
            // so the tests and fuzzers) keep checking.
            swiftSettings: swiftSettings + [
                .unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))
            ]
        ),
        .target(
            name: "CairnAccounts",
            dependencies: [
                "CairnCrypto", "CairnProtocol", "CairnStore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CairnLogs",
            dependencies: [
                "CairnAccounts", "CairnBytes", "CairnChunks", "CairnCrypto", "CairnFilter", "CairnInsights",
                "CairnKeys", "CairnCalendar", "CairnMetrics", "CairnObjects", "CairnProtection", "CairnProtocol",
                "CairnQueue",
                "CairnStore", "CairnTransform",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CairnNotify",
            dependencies: [
                "CairnAccounts", "CairnCrypto", "CairnLogs", "CairnMetrics", "CairnProtocol", "CairnQueue",
                "CairnStore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CairnObjects",
            dependencies: [
                "CairnAccounts", "CairnCrypto", "CairnProtocol", "CairnStore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CairnChunks",
            dependencies: ["CairnBytes"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CairnMetrics",
            dependencies: [
                "CairnAccounts", "CairnCrypto", "CairnProtocol", "CairnQueue", "CairnStore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CairnQueue",
            dependencies: [
                "CairnStore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CairnFilter",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CairnBytes",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CairnProtection",
            dependencies: ["CairnBytes"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CairnCalendar",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CairnTransform",
            dependencies: ["CairnBytes", "CairnCalendar"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CairnKeys",
            dependencies: [
                "CairnAccounts", "CairnCrypto", "CairnProtocol", "CairnStore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CairnStore",
            dependencies: [
                "CairnCrypto",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CairnCrypto",
            dependencies: [
                "CDeflate", "COpenSSL", "CZlib", "CZstd",
            ],
            swiftSettings: swiftSettings
        ),
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .systemLibrary(
            name: "CDeflate",
            pkgConfig: "libdeflate",
            providers: [.apt(["libdeflate-dev"])]
        ),
        .systemLibrary(
            name: "CZstd",
            pkgConfig: "libzstd",
            providers: [.apt(["libzstd-dev"])]
        ),
        .testTarget(
            name: "CairnCryptoTests",
            dependencies: [
                "CairnCrypto"
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CairnProtocolTests",
            dependencies: [
                "CairnProtocol"
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CairnQueueTests",
            dependencies: [
                "CairnQueue"
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CairnObjectsTests",
            dependencies: [
                "CairnObjects",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CairnFilterTests",
            dependencies: [
                "CairnFilter"
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CairnLogsTests",
            dependencies: [
                "CairnBytes", "CairnChunks", "CairnCrypto", "CairnFilter", "CairnLogs", "CairnMetrics",
                "CairnProtection",
                "CairnProtocol", "CairnTransform",
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CairnInsightsTests",
            dependencies: [
                "CairnInsights"
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CairnKeysTests",
            dependencies: [
                "CairnAccounts", "CairnKeys", "CairnProtocol",
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CairnProtectionTests",
            dependencies: ["CairnProtection"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CairnTransformTests",
            dependencies: ["CairnBytes", "CairnTransform"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CairnMetricsTests",
            dependencies: [
                "CairnMetrics", "CairnProtocol",
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "CairnAccounts", "CairnChunks", "CairnCrypto", "CairnKeys", "CairnLogs", "CairnMetrics",
                "CairnObjects", "CairnProtocol",
                "CairnQueue", "CairnServer", "CairnStore",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)

// libFuzzer targets, declared only when CAIRN_FUZZ=1 so that the normal build and `swift test` never see them.
// Each one depends on a parser's small library alone (no NIO, no PostgreSQL); scripts/fuzz.sh builds them with
// `-sanitize=fuzzer`, which supplies `main` and calls `LLVMFuzzerTestOneInput` with every generated input.
if Context.environment["CAIRN_FUZZ"] == "1" {
    let fuzzTargets: [(name: String, dependencies: [Target.Dependency])] = [
        ("FuzzJSON", ["CairnProtocol", "FuzzSupport"]),
        ("FuzzCBOR", ["CairnProtocol", "FuzzSupport"]),
        ("FuzzFilterPattern", ["CairnFilter"]),
        ("FuzzSigV4", ["CairnProtocol"]),
        ("FuzzChunk", ["CairnChunks"]),
        ("FuzzInsightsQuery", ["CairnInsights"]),
        ("FuzzTransformer", ["CairnTransform"]),
        ("FuzzMasking", ["CairnProtection"]),
        ("FuzzPolicy", ["CairnProtocol"]),
    ]
    package.targets.append(
        .target(
            name: "FuzzSupport", dependencies: ["CairnProtocol"], path: "Sources/Fuzz/FuzzSupport",
            swiftSettings: swiftSettings))
    for target in fuzzTargets {
        package.targets.append(
            .executableTarget(
                name: target.name, dependencies: target.dependencies, path: "Sources/Fuzz/\(target.name)",
                swiftSettings: swiftSettings))
        package.products.append(.executable(name: target.name, targets: [target.name]))
    }
}
