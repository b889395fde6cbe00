import CairnLogs
public import Foundation
public import Logging

/// Everything `cairn serve` is told, in one typed value: from `CAIRN_*` variables, then flags. A value that
/// cannot be used is refused at start with a message naming it; nothing falls back silently.
public struct Configuration: Sendable, CustomStringConvertible {
    /// What one process does: the API, the background work, or both.
    public enum Role: String, Sendable, CaseIterable {
        /// The HTTP API only.
        case api
        /// Queue workers and maintenance; HTTP serves health and metrics only.
        case worker
        /// Everything.
        case all
    }

    /// One setting: its environment variable and its flag.
    public enum Setting: String, Sendable, CaseIterable {
        case host = "CAIRN_HOST"
        case port = "CAIRN_PORT"
        case adminPort = "CAIRN_ADMIN_PORT"
        case tlsCertificate = "CAIRN_TLS_CERT"
        case tlsKey = "CAIRN_TLS_KEY"
        case region = "CAIRN_REGION"
        case role = "CAIRN_ROLE"
        case keyCacheSeconds = "CAIRN_KEY_CACHE_SECONDS"
        case shutdownSeconds = "CAIRN_SHUTDOWN_SECONDS"
        case dataDirectory = "CAIRN_DATA_DIR"
        case databaseURL = "CAIRN_DATABASE_URL"
        case logLevel = "CAIRN_LOG_LEVEL"
        case insightsSliceBytes = "CAIRN_INSIGHTS_SLICE_BYTES"
        case publicURL = "CAIRN_PUBLIC_URL"
        case snsPrivateEndpoints = "CAIRN_SNS_PRIVATE_ENDPOINTS"
        case exportObjectBytes = "CAIRN_EXPORT_OBJECT_BYTES"
        case exportPauseMilliseconds = "CAIRN_EXPORT_PAUSE_MS"

        public var flag: String {
            switch self {
            case .host: "--host"
            case .port: "--port"
            case .adminPort: "--admin-port"
            case .tlsCertificate: "--tls-cert"
            case .tlsKey: "--tls-key"
            case .region: "--region"
            case .role: "--role"
            case .keyCacheSeconds: "--key-cache-seconds"
            case .shutdownSeconds: "--shutdown-seconds"
            case .dataDirectory: "--data-dir"
            case .databaseURL: "--database-url"
            case .logLevel: "--log-level"
            case .insightsSliceBytes: "--insights-slice-bytes"
            case .publicURL: "--public-url"
            case .snsPrivateEndpoints: "--sns-private-endpoints"
            case .exportObjectBytes: "--export-object-bytes"
            case .exportPauseMilliseconds: "--export-pause-ms"
            }
        }
    }

    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
    }

    /// Cairn's documented default port.
    public static let defaultPort = 4588
    public static let defaultRegion = "us-east-1"
    /// How long unwrapped keys are cached at most, unless told otherwise.
    public static let defaultKeyCacheSeconds = 5
    /// How long a graceful shutdown may take before the process exits anyway, unless told otherwise.
    public static let defaultShutdownSeconds = 30

    public var host = "127.0.0.1"
    public var port = defaultPort
    /// When set, health and `/metrics` are served on this port only (on the same host), not beside the APIs.
    public var adminPort: Int?
    /// PEM files of the certificate chain and its private key: with both, the APIs are served over HTTPS.
    public var tlsCertificate: String?
    public var tlsKey: String?
    public var region = defaultRegion
    public var role = Role.all
    public var keyCacheLifetime = Duration.seconds(defaultKeyCacheSeconds)
    /// After SIGTERM, how long the services may take to finish before the process exits with status 1.
    public var shutdownDeadline = Duration.seconds(defaultShutdownSeconds)
    /// Where the embedded cluster and the root key file live.
    public var dataDirectory = Self.defaultDataDirectory()
    /// An external PostgreSQL server instead of the embedded one. May hold a password: never printed.
    public var databaseURL: String?
    public var logLevel = Logger.Level.info
    /// Logs Insights splits a `stats` query over more raw bytes than this into time slices of about this size,
    /// which any worker process runs; 0 never splits.
    public var insightsSliceBytes = defaultInsightsSliceBytes
    public static let defaultInsightsSliceBytes: Int64 = 1 << 30
    /// The root key's text (`CAIRN_ROOT_KEY`), if it is not read from `<data-dir>/root.key`. Never printed.
    public var rootKeyText: String?
    /// The URL Cairn's notifications point back at (`SubscribeURL`, `UnsubscribeURL`, `SigningCertURL`); the
    /// endpoint URL unless set.
    public var publicURL: String?
    /// Whether SNS subscriptions may deliver to internal addresses (loopback, private networks).
    public var snsPrivateEndpoints = false
    /// Export tasks cut an object after this many bytes of lines (uncompressed).
    public var exportObjectBytes = defaultExportObjectBytes
    public static let defaultExportObjectBytes = ExportRunner.defaultObjectBytes
    /// A pause after each export object written: spreads a large export's load on the database and the bucket.
    public var exportPause = Duration.zero

    public init() {}

    /// The settings in `environment`, each checked.
    public init(environment: [String: String]) throws {
        for setting in Setting.allCases {
            if let text = environment[setting.rawValue], !text.isEmpty { try apply(setting, text) }
        }
        if let key = environment["CAIRN_ROOT_KEY"], !key.isEmpty { rootKeyText = key }
    }

    /// Sets one setting from its text (a flag's or a variable's), or says what is wrong with it.
    public mutating func apply(_ setting: Setting, _ text: String) throws {
        func invalid(_ expectation: String) -> Invalid {
            Invalid(description: "invalid \(setting.rawValue) / \(setting.flag) '\(text)': \(expectation)")
        }
        func integer(in range: ClosedRange<Int>, _ expectation: String) throws -> Int {
            guard let value = Int(text), range.contains(value) else { throw invalid(expectation) }
            return value
        }
        switch setting {
        case .host:
            guard !text.isEmpty else { throw invalid("must name an address") }
            host = text
        case .port:
            port = try integer(in: 1...65535, "must be a port, 1 to 65535")
        case .adminPort:
            adminPort = try integer(in: 1...65535, "must be a port, 1 to 65535")
        case .tlsCertificate:
            guard !text.isEmpty else { throw invalid("must name a PEM file") }
            tlsCertificate = text
        case .tlsKey:
            guard !text.isEmpty else { throw invalid("must name a PEM file") }
            tlsKey = text
        case .region:
            guard text.range(of: #"^[a-z0-9-]{1,32}$"#, options: .regularExpression) != nil else {
                throw invalid("must be a region name such as us-east-1")
            }
            region = text
        case .role:
            guard let role = Role(rawValue: text) else { throw invalid("must be api, worker or all") }
            self.role = role
        case .insightsSliceBytes:
            guard let value = Int64(text), value >= 0 else {
                throw invalid("must be a whole number of bytes, 0 or more")
            }
            insightsSliceBytes = value
        case .publicURL:
            guard let url = URL(string: text), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
                throw invalid("must be an http:// or https:// URL")
            }
            publicURL = text
        case .snsPrivateEndpoints:
            guard ["allow", "deny"].contains(text) else { throw invalid("must be allow or deny") }
            snsPrivateEndpoints = text == "allow"
        case .exportObjectBytes:
            exportObjectBytes = try integer(
                in: 1024...(1 << 30), "must be a whole number of bytes, 1024 to 1073741824")
        case .exportPauseMilliseconds:
            exportPause = .milliseconds(
                try integer(in: 0...60_000, "must be a whole number of milliseconds, 0 to 60000"))
        case .keyCacheSeconds:
            keyCacheLifetime = .seconds(try integer(in: 0...86_400, "must be a whole number of seconds, 0 to 86400"))
        case .shutdownSeconds:
            shutdownDeadline = .seconds(try integer(in: 1...3600, "must be a whole number of seconds, 1 to 3600"))
        case .dataDirectory:
            guard !text.isEmpty else { throw invalid("must name a directory") }
            dataDirectory = URL(fileURLWithPath: text)
        case .databaseURL:
            guard text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") else {
                throw Invalid(description: "invalid \(setting.rawValue) / \(setting.flag): must be a postgres:// URL")
            }
            databaseURL = text
        case .logLevel:
            guard let level = Logger.Level(rawValue: text) else {
                throw invalid("must be trace, debug, info, notice, warning, error or critical")
            }
            logLevel = level
        }
    }

    /// The data directory when none is given: the embedded cluster runs as a system user when Cairn runs as root,
    /// and that user cannot enter /root.
    public static func defaultDataDirectory() -> URL {
        if geteuid() == 0 { return URL(fileURLWithPath: "/var/lib/cairn") }
        let environment = ProcessInfo.processInfo.environment
        let base = environment["XDG_DATA_HOME"] ?? (NSHomeDirectory() + "/.local/share")
        return URL(fileURLWithPath: base).appendingPathComponent("cairn")
    }

    /// The URL clients point at.
    public var endpointURL: String {
        let shownHost = host == "0.0.0.0" || host == "::" ? "127.0.0.1" : host
        return "\(tlsCertificate == nil ? "http" : "https")://\(shownHost):\(port)"
    }

    /// The effective configuration without secrets (no database password, no root key).
    public var description: String {
        let database = databaseURL.map { _ in "external" } ?? "embedded"
        let rootKey = rootKeyText == nil ? "\(dataDirectory.path)/root.key" : "CAIRN_ROOT_KEY"
        let admin = (adminPort.map { " adminPort=\($0)" } ?? "") + (tlsCertificate.map { " tls=\($0)" } ?? "")
        return "role=\(role.rawValue) host=\(host) port=\(port)\(admin) region=\(region) database=\(database) "
            + "dataDir=\(dataDirectory.path) rootKey=\(rootKey) keyCacheSeconds=\(keyCacheLifetime.components.seconds) "
            + "shutdownSeconds=\(shutdownDeadline.components.seconds) logLevel=\(logLevel.rawValue) "
            + "insightsSliceBytes=\(insightsSliceBytes) publicURL=\(publicURL ?? endpointURL) "
            + "snsPrivateEndpoints=\(snsPrivateEndpoints ? "allow" : "deny") exportObjectBytes=\(exportObjectBytes) "
            + "exportPauseMs=\(exportPause.components.seconds * 1000 + exportPause.components.attoseconds / 1_000_000_000_000_000)"
    }
}
