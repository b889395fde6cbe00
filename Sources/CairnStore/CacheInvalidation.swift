public import Logging
import PostgresNIO
public import ServiceLifecycle

/// Listens on one notification channel (`pg_notify`) that any process may announce a change on, and drops
/// this process's cache of what changed, so that a change made anywhere takes effect everywhere at once.
/// Each (re)connection forgets everything first: what was announced while it was away is covered.
public struct CacheInvalidation: Service, CustomStringConvertible {
    /// Its name in ServiceLifecycle's logs, which print a service's description (never its keys or stores).
    public var description: String { "CacheInvalidation(\(channel))" }

    let database: Database
    let channel: String
    let logger: Logger
    let forget: @Sendable () -> Void

    public init(database: Database, channel: String, logger: Logger, forget: @escaping @Sendable () -> Void) {
        self.database = database
        self.channel = channel
        self.logger = logger
        self.forget = forget
    }

    public func run() async throws {
        await RecurringWork.run(
            every: .seconds(1), logger: logger.with(channel: channel),
            failure: "cache notifications lost; listening again"
        ) {
            try await database.client.withConnection { connection in
                try await connection.listen(on: channel) { notifications in
                    forget()
                    for try await _ in notifications { forget() }
                }
            }
        }
    }
}

extension Logger {
    fileprivate func with(channel: String) -> Logger {
        var logger = self
        logger[metadataKey: "channel"] = "\(channel)"
        return logger
    }
}
