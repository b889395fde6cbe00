public import CairnAccounts
public import CairnStore
import Foundation
import NIOCore
import PostgresNIO

/// Rewraps everything the root key seals — access key secrets, KMS key material, function and bucket secrets,
/// delivery streams' access keys, the notification signing key — under the current root key. Running servers
/// keep working throughout: a value sealed by a key they do not know yet makes them read the root key file again.
public struct RootKeyRotation: Sendable {
    let database: Database
    let rootKey: RootKey

    public init(database: Database, rootKey: RootKey) {
        self.database = database
        self.rootKey = rootKey
    }

    /// A column of sealed values: its table, the columns that name a row (as text), and the context each value is
    /// sealed under, from those names.
    struct SealedColumn {
        let table: String
        let keyColumns: [String]
        let column: String
        let context: @Sendable ([String]) -> String
    }

    static let sealedColumns: [SealedColumn] = [
        SealedColumn(table: "access_keys", keyColumns: ["access_key_id"], column: "secret_sealed") { $0[0] },
        SealedColumn(
            table: "kms_key_versions", keyColumns: ["account_id", "key_id::text", "version::text"],
            column: "material_sealed"
        ) { names in
            KeyMaterial.context(names[0], UUID(uuidString: names[1]) ?? UUID(), Int32(names[2]) ?? 0)
        },
        SealedColumn(table: "functions", keyColumns: ["account_id", "region", "name"], column: "secret_sealed") {
            SealingContext.functionSecret(account: $0[0], region: $0[1], name: $0[2])
        },
        SealedColumn(table: "buckets", keyColumns: ["account_id", "name"], column: "secret_sealed") {
            SealingContext.bucketSecret(account: $0[0], name: $0[1])
        },
        SealedColumn(
            table: "delivery_streams", keyColumns: ["account_id", "region", "name"], column: "access_key_sealed"
        ) { SealingContext.deliveryStreamKey(account: $0[0], region: $0[1], name: $0[2]) },
        SealedColumn(table: "metrics_keys", keyColumns: ["account_id", "region"], column: "key_sealed") {
            "cairn/metrics-key/\($0[0])/\($0[1])"
        },
        SealedColumn(table: "kms_import_tokens", keyColumns: ["token_id::text"], column: "wrapping_key_sealed") {
            SealingContext.importWrappingKey($0[0])
        },
        SealedColumn(table: "notification_signing_keys", keyColumns: ["key_id"], column: "private_key_sealed") {
            SealingContext.notificationKey($0[0])
        },
    ]

    /// Returns how many sealed values were rewrapped.
    @discardableResult
    public func rewrap() async throws -> Int {
        var count = 0
        for sealed in Self.sealedColumns {
            count += try await rewrap(sealed)
        }
        return count
    }

    /// Rewraps one column's values in one transaction (its rows locked meanwhile).
    private func rewrap(_ sealed: SealedColumn) async throws -> Int {
        let names = "ARRAY[\(sealed.keyColumns.joined(separator: ", "))]"
        return try await database.transaction { connection in
            var values: [([String], [UInt8])] = []
            for try await (key, value) in try await connection.query(
                """
                SELECT \(unescaped: names), \(unescaped: sealed.column) FROM \(unescaped: sealed.table)
                WHERE \(unescaped: sealed.column) IS NOT NULL FOR UPDATE
                """, logger: database.logger
            ).decode(([String], ByteBuffer).self) {
                values.append((key, Array(value.readableBytesView)))
            }
            var count = 0
            for (key, value) in values where !rootKey.isCurrent(value) {
                let context = sealed.context(key)
                let resealed = try rootKey.seal(try rootKey.open(value, context: context), context: context)
                try await connection.query(
                    """
                    UPDATE \(unescaped: sealed.table)
                    SET \(unescaped: sealed.column) = \(ByteBuffer(bytes: resealed)), root_key_id = \(rootKey.id)
                    WHERE \(unescaped: names) = \(key)
                    """, logger: database.logger)
                count += 1
            }
            return count
        }
    }
}
