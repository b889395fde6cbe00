public import CairnStore
public import Logging
import PostgresNIO
public import ServiceLifecycle

/// Listens for key state changes announced by any process (`pg_notify` on `cairn_keys`) and drops this
/// process's cached keys, so that disabling a key stops reads and writes everywhere at once. If the
/// connection drops, it listens again; the caches' short lifetime covers the gap.
public struct KeyCacheInvalidation: Service {
    let database: Database
    let keyRing: DataKeyRing
    let logger: Logger

    public init(database: Database, keyRing: DataKeyRing, logger: Logger) {
        self.database = database
        self.keyRing = keyRing
        self.logger = logger
    }

    public func run() async throws {
        await RecurringWork.run(every: .seconds(1), logger: logger, failure: "key notifications lost; listening again")
        {
            try await database.client.withConnection { connection in
                try await connection.listen(on: DataKeyRing.notificationChannel) { notifications in
                    keyRing.forgetAll()
                    for try await _ in notifications { keyRing.forgetAll() }
                }
            }
        }
    }
}
