public import Logging
public import PostgresNIO

/// The PostgreSQL pool every part of Cairn uses. It is a Service: run it in the ServiceGroup.
public struct Database: Sendable {
    public let client: PostgresClient
    public let logger: Logger

    public init(configuration: PostgresClient.Configuration, logger: Logger) {
        self.client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.logger = logger
    }

    /// Runs `body` in a transaction. Errors from `body` are rethrown as they are (not wrapped),
    /// so domain errors such as `AWSError` reach the caller intact.
    public func transaction<Result: Sendable>(
        _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await transaction(begin: "BEGIN", body)
    }

    /// Runs `body` in a transaction whose commit does not wait for the WAL to reach the disk: for bookkeeping
    /// that a crash may lose without harm (a job queue's claims and completions: the job then runs again).
    /// Never for data a caller was told is stored.
    public func relaxedTransaction<Result: Sendable>(
        _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await transaction(begin: "BEGIN") { connection in
            try await connection.query("SET LOCAL synchronous_commit TO off", logger: logger)
            return try await body(connection)
        }
    }

    /// Runs `body` in a read-only transaction that sees one snapshot throughout, for reads made of
    /// several queries (pages of chunks) that must not see a concurrent compaction half done.
    public func snapshot<Result: Sendable>(
        _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await transaction(begin: "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", body)
    }

    private func transaction<Result: Sendable>(
        begin: PostgresQuery, _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await client.withConnection { connection in
            try await connection.query(begin, logger: logger)
            do {
                let result = try await body(connection)
                try await connection.query("COMMIT", logger: logger)
                return result
            } catch {
                // Not on a closed connection: PostgresNIO loses a query written to a channel already torn down
                // (no promise on the write), and the ROLLBACK would then wait forever. The server rolls back the
                // transaction of a connection it lost anyway.
                if !connection.isClosed { _ = try? await connection.query("ROLLBACK", logger: logger) }
                throw error
            }
        }
    }

    @discardableResult
    public func query(_ query: PostgresQuery) async throws -> PostgresRowSequence {
        try await client.query(query, logger: logger)
    }

    /// Runs the pool for the duration of `body`, for short-lived commands (admin, migrate).
    public static func withDatabase<Result: Sendable>(
        configuration: PostgresClient.Configuration, logger: Logger,
        _ body: @Sendable (Database) async throws -> Result
    ) async throws -> Result {
        let database = Database(configuration: configuration, logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await database.client.run() }
            defer { group.cancelAll() }
            // Let the pool start before the first lease.
            await Task.yield()
            return try await body(database)
        }
    }
}
