// swift-tools-version:6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "sites-platform",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "platform-server", targets: ["Server"]),
        .executable(name: "platform-admin", targets: ["AdminCLI"]),
        .library(name: "Postgres", targets: ["Postgres"]),
        .library(name: "Domain", targets: ["Domain"]),
        .library(name: "Platform", targets: ["Platform"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1", traits: []),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CPostgres",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        .target(name: "Domain", swiftSettings: swiftSettings),
        .target(
            name: "Postgres",
            dependencies: [
                "CPostgres",
                "Domain",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Migrations",
            dependencies: [
                "Postgres",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("SQL")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Platform",
            dependencies: [
                "Domain",
                "Postgres",
                "Migrations",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(name: "CExecutorHook"),
        .executableTarget(
            name: "Server",
            dependencies: [
                "Platform",
                "CExecutorHook",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "AdminCLI",
            dependencies: [
                "Domain",
                "Postgres",
                "Migrations",
                "Platform",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TestSupport",
            dependencies: ["Domain", "Postgres", "Migrations", "Platform", .product(name: "Logging", package: "swift-log"),
                           .product(name: "Crypto", package: "swift-crypto")],
            path: "Tests/TestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "DomainTests", dependencies: ["Domain"], swiftSettings: swiftSettings),
        .testTarget(name: "PostgresTests", dependencies: ["Domain", "Postgres", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "MigrationsTests", dependencies: ["Migrations", "Postgres", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "PlatformTests",
            dependencies: [
                "Domain",
                "Platform",
                "TestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "AdminCLITests", dependencies: ["AdminCLI", "Domain", "Platform", "Postgres", "TestSupport"], swiftSettings: swiftSettings),
    ]
)
