public import Foundation
public import Logging
public import PostgresNIO
import Synchronization

/// A PostgreSQL cluster that Cairn owns, under `<data-dir>/postgres`, reachable only through
/// a private Unix socket in `<data-dir>/run`. When Cairn runs as root, the cluster runs as a
/// dedicated system user (PostgreSQL refuses root), so the data directory must be reachable by it.
public struct EmbeddedCluster: Sendable {
    public static let databaseName = "cairn"
    public static let superuser = "cairn"
    static let port = 5432

    public let dataDirectory: URL
    public let binDirectory: URL
    /// The system user that owns and runs the cluster, or nil for the current user.
    public let systemUser: String?
    /// Shared by every copy of this value: starts and stops exclude each other, and after a stop nothing starts.
    private let control = Control()

    public var clusterDirectory: URL { dataDirectory.appendingPathComponent("postgres") }
    public var socketDirectory: URL { dataDirectory.appendingPathComponent("run") }
    public var logFile: URL { dataDirectory.appendingPathComponent("postgres.log") }
    public var socketPath: String { socketDirectory.appendingPathComponent(".s.PGSQL.\(Self.port)").path }

    public init(dataDirectory: URL, logger: Logger) throws {
        self.dataDirectory = dataDirectory.standardizedFileURL
        self.binDirectory = try Self.findBinDirectory()
        self.systemUser = geteuid() == 0 ? try Self.ensureSystemUser(logger: logger) : nil
    }

    public var clientConfiguration: PostgresClient.Configuration {
        var configuration = PostgresClient.Configuration(
            unixSocketPath: socketPath, username: Self.superuser, password: nil, database: Self.databaseName)
        configuration.options.maximumConnections = 20
        return configuration
    }

    /// The URL that `--database-url` and `CAIRN_TEST_DATABASE_URL` accept for this cluster.
    public var databaseURL: String {
        "postgres://\(Self.superuser)@localhost/\(Self.databaseName)?host=\(socketDirectory.path)"
    }

    private var runner: ProcessRunner { ProcessRunner(user: systemUser) }
    private func tool(_ name: String) -> String { binDirectory.appendingPathComponent(name).path }

    /// Creates the directories and the cluster on first use.
    public func prepare(logger: Logger) throws {
        let files = FileManager.default
        try files.createDirectory(at: dataDirectory, withIntermediateDirectories: true)
        for directory in [clusterDirectory, socketDirectory] where !files.fileExists(atPath: directory.path) {
            try files.createDirectory(
                at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            if let systemUser { try ProcessRunner(user: nil).run("/bin/chown", [systemUser, directory.path]) }
        }
        if let systemUser {
            let reachable = try ProcessRunner(user: systemUser).run(
                "/usr/bin/test", ["-w", clusterDirectory.path], allowFailure: true)
            guard reachable.status == 0 else {
                throw EmbeddedClusterError.unreachable(dataDirectory.path, user: systemUser)
            }
        }
        guard !files.fileExists(atPath: clusterDirectory.appendingPathComponent("PG_VERSION").path) else { return }
        logger.info("creating embedded PostgreSQL cluster", metadata: ["directory": "\(clusterDirectory.path)"])
        try runner.run(
            tool("initdb"),
            ["-D", clusterDirectory.path, "-U", Self.superuser, "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"])
        let settings = """

            # Cairn: private Unix socket only.
            listen_addresses = ''
            port = \(Self.port)
            unix_socket_directories = '\(socketDirectory.path)'
            unix_socket_permissions = 0700
            synchronous_commit = on
            fsync = on
            max_connections = 100

            """
        let configFile = clusterDirectory.appendingPathComponent("postgresql.conf")
        let handle = try FileHandle(forWritingTo: configFile)
        handle.seekToEndOfFile()
        handle.write(Data(settings.utf8))
        try handle.close()
    }

    /// Whether the postmaster named in `postmaster.pid` is alive.
    public func isRunning() -> Bool {
        postmasterPID().map { Self.processState($0) == .alive } ?? false
    }

    /// How long a start waits for a killed postmaster to be reaped, and retries a start that fails (PostgreSQL
    /// refuses to start while processes of the crashed one still hold its shared memory).
    static let startDeadline: TimeInterval = 60

    /// Starts the cluster unless it already runs. Returns true when this call started it.
    ///
    /// A start and a stop never overlap, and once `stop` has been called no start of this value runs: a stop that
    /// comes while the supervisor restarts a crashed cluster (a SIGTERM, or the shutdown deadline's exit) waits
    /// for that start and then stops what it started, instead of leaving a postmaster behind.
    @discardableResult
    public func start(logger: Logger) throws -> Bool {
        try control.exclusion.withLock { _ in
            guard !control.stopRequested.load(ordering: .acquiring) else { return false }
            return try startUnlessRunning(logger: logger)
        }
    }

    private func startUnlessRunning(logger: Logger) throws -> Bool {
        if isRunning() { return false }
        logger.info("starting embedded PostgreSQL", metadata: ["directory": "\(clusterDirectory.path)"])
        if let systemUser, !FileManager.default.fileExists(atPath: logFile.path) {
            _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
            try ProcessRunner(user: nil).run("/bin/chown", [systemUser, logFile.path])
        }
        let deadline = Date().addingTimeInterval(Self.startDeadline)
        // A postmaster killed a moment ago stays a zombie until its parent (often init) reaps it; PostgreSQL
        // takes its lock file for a live server until then.
        while let pid = postmasterPID(), Self.processState(pid) == .zombie, Date() < deadline {
            usleep(100_000)
        }
        while true {
            do {
                try runner.run(
                    tool("pg_ctl"), ["start", "-w", "-t", "60", "-D", clusterDirectory.path, "-l", logFile.path])
                break
            } catch {
                guard Date() < deadline, !control.stopRequested.load(ordering: .acquiring) else { throw error }
                logger.warning(
                    "embedded PostgreSQL did not start; trying again",
                    metadata: ["error": "\(String(reflecting: error))"])
                sleep(1)
            }
        }
        try ensureDatabase()
        return true
    }

    private func postmasterPID() -> Int32? {
        let pidFile = clusterDirectory.appendingPathComponent("postmaster.pid")
        guard let text = try? String(contentsOf: pidFile, encoding: .utf8),
            let firstLine = text.split(separator: "\n").first
        else { return nil }
        return Int32(firstLine.trimmingCharacters(in: .whitespaces))
    }

    enum ProcessState { case alive, zombie, gone }

    /// A process that exited but that its parent has not reaped yet (a zombie) still answers `kill(pid, 0)`;
    /// Linux shows its state in `/proc/<pid>/stat`.
    static func processState(_ pid: Int32) -> ProcessState {
        guard kill(pid, 0) == 0 || errno == EPERM else { return .gone }
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let end = stat.lastIndex(of: ")")
        else { return .alive }
        return stat[stat.index(after: end)...].split(separator: " ").first == "Z" ? .zombie : .alive
    }

    /// Stops the cluster and ends this value's starts (see `start`).
    public func stop(logger: Logger) {
        control.stopRequested.store(true, ordering: .releasing)
        control.exclusion.withLock { _ in
            guard isRunning() else { return }
            logger.info("stopping embedded PostgreSQL", metadata: ["directory": "\(clusterDirectory.path)"])
            do {
                try runner.run(tool("pg_ctl"), ["stop", "-w", "-t", "60", "-m", "fast", "-D", clusterDirectory.path])
            } catch {
                logger.error(
                    "embedded PostgreSQL did not stop cleanly", metadata: ["error": "\(String(reflecting: error))"])
            }
        }
    }

    private final class Control: Sendable {
        let exclusion = Mutex(())
        let stopRequested = Atomic(false)
    }

    private func ensureDatabase() throws {
        let psql = [tool("psql"), "-h", socketDirectory.path, "-U", Self.superuser, "-d", "postgres", "-XtAc"]
        let exists = try ProcessRunner(user: nil).run(
            psql[0], Array(psql.dropFirst()) + ["SELECT 1 FROM pg_database WHERE datname = '\(Self.databaseName)'"])
        if exists.output.trimmingCharacters(in: .whitespacesAndNewlines) != "1" {
            try ProcessRunner(user: nil).run(
                psql[0], Array(psql.dropFirst()) + ["CREATE DATABASE \(Self.databaseName)"])
        }
    }

    static func findBinDirectory() throws -> URL {
        let files = FileManager.default
        if let fromConfig = try? ProcessRunner(user: nil).run("/bin/sh", ["-c", "pg_config --bindir"]).output
            .trimmingCharacters(in: .whitespacesAndNewlines),
            files.isExecutableFile(atPath: fromConfig + "/initdb")
        {
            return URL(fileURLWithPath: fromConfig)
        }
        let versions = ((try? files.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? [])
            .compactMap(Int.init).sorted(by: >)
        for version in versions where files.isExecutableFile(atPath: "/usr/lib/postgresql/\(version)/bin/initdb") {
            return URL(fileURLWithPath: "/usr/lib/postgresql/\(version)/bin")
        }
        throw EmbeddedClusterError.postgresNotInstalled
    }

    /// PostgreSQL's own `postgres` user if present, else a `cairn-postgres` system user that we create.
    static func ensureSystemUser(logger: Logger) throws -> String {
        for user in ["postgres", "cairn-postgres"] where getpwnam(user) != nil { return user }
        logger.info("creating system user for PostgreSQL", metadata: ["user": "cairn-postgres"])
        try ProcessRunner(user: nil).run(
            "/usr/sbin/useradd", ["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", "cairn-postgres"])
        return "cairn-postgres"
    }
}

public enum EmbeddedClusterError: Error, CustomStringConvertible {
    case postgresNotInstalled
    case unreachable(String, user: String)

    public var description: String {
        switch self {
        case .postgresNotInstalled:
            "PostgreSQL server binaries were not found (pg_config --bindir, /usr/lib/postgresql/*/bin); "
                + "install them (apt-get install postgresql) or pass --database-url"
        case .unreachable(let path, let user):
            "the data directory \(path) is not reachable by the system user '\(user)' that runs PostgreSQL "
                + "(it cannot sit under a directory such as /root); choose another --data-dir, e.g. /var/lib/cairn"
        }
    }
}
