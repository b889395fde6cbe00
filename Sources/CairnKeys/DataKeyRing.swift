public import CairnAccounts
import CairnCrypto
import CairnProtocol
public import CairnStore
public import Foundation
import Logging
import NIOCore
import PostgresNIO
import Synchronization

/// A log group's data key: the version chunks record, and the 32 bytes they are sealed with.
public struct DataKey: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    public let version: Int32
    public let material: [UInt8]

    public var description: String { "DataKey(version: \(version), material: <redacted>)" }
    public var debugDescription: String { description }
}

public enum DataKeyError: Error, Equatable, Sendable {
    /// The group was deleted: its data keys are destroyed, its chunks unreadable.
    case destroyed
    /// The KMS key that wraps the data key is disabled, or pending deletion (its ARN and state).
    case keyUnusable(keyARN: String, state: KeyState)
    /// The KMS key belongs to another account whose key policy no longer allows this account to use it.
    case keyNotAllowed(keyARN: String)
    /// The KMS key that wrapped the data key was deleted: the data can never be decrypted again.
    case keyMaterialDestroyed(keyID: UUID)
}

/// Envelope encryption for log groups: root key → the account's service default KMS key (per region)
/// → one data key version per log group → chunks. Unwrapped keys are cached for a short time only.
///
/// A group's current data key rotates to a new version daily, and after `rotationChunkLimit` (default 2^20) chunks sealed
/// by this process (each process counts its own use, so the random-nonce bound of AES-GCM, 2^32 messages
/// per key, holds with a wide margin across many processes).
public final class DataKeyRing: Sendable {
    /// Unwrapped keys are kept this long at most, so that disabling a KMS key takes effect on every process
    /// within this time even if a notification is lost. Notifications (`CacheInvalidation` on `notificationChannel`) act at once.
    public static let defaultCacheLifetime: Duration = .seconds(5)
    /// The channel on which key state changes are announced to every process.
    public static let notificationChannel = "cairn_keys"

    let cacheLifetime: Duration
    public static let rotationAge: TimeInterval = 24 * 3600
    public static let defaultRotationChunkLimit = 1 << 20

    let database: Database
    let rootKey: RootKey
    let rotationChunkLimit: Int

    private struct CachedKey {
        let key: DataKey
        let createdAt: Date
        let cachedAt: ContinuousClock.Instant
    }

    /// How many chunks this process sealed with each group's current data key version. Kept apart from the
    /// key cache, which expires and is dropped on every key change: the count survives both, so a version is
    /// rotated after `rotationChunkLimit` chunks however often the cache refreshes (the count is per process).
    private let sealedChunks = Mutex<[GroupRef: (version: Int32, count: Int)]>([:])

    /// Counts one more chunk sealed with `version` of the group's key, unless that version reached the limit.
    private func countChunk(_ ref: GroupRef, version: Int32) -> Bool {
        sealedChunks.withLock { counts in
            let count = counts[ref].map { $0.version == version ? $0.count : 0 } ?? 0
            guard count < rotationChunkLimit else { return false }
            counts[ref] = (version, count + 1)
            return true
        }
    }

    private struct GroupRef: Hashable {
        let account: String
        let group: Int64
    }

    private struct VersionRef: Hashable {
        let account: String
        let group: Int64
        let version: Int32
    }

    private let current = Mutex<[GroupRef: CachedKey]>([:])
    private let byVersion = Mutex<[VersionRef: (key: [UInt8], cachedAt: ContinuousClock.Instant)]>([:])

    public init(
        database: Database, rootKey: RootKey, rotationChunkLimit: Int = defaultRotationChunkLimit,
        cacheLifetime: Duration = defaultCacheLifetime
    ) {
        self.database = database
        self.rootKey = rootKey
        self.rotationChunkLimit = rotationChunkLimit
        self.cacheLifetime = cacheLifetime
    }

    /// Tells every process (this one at once) that a key changed state, so that they drop their caches.
    public func announceKeyChange() async {
        forgetAll()
        do {
            try await database.query("SELECT pg_notify(\(Self.notificationChannel), 'changed')")
        } catch {
            database.logger.warning(
                "key change notification failed", metadata: ["error": "\(String(reflecting: error))"])
        }
    }

    /// The key to seal a new chunk of this group with; creates or rotates the group's data key as needed.
    public func sealingKey(account: String, region: String, group: Int64) async throws -> DataKey {
        let ref = GroupRef(account: account, group: group)
        let now = ContinuousClock.now
        let cached: DataKey? = current.withLock { entries in
            guard let entry = entries[ref], now - entry.cachedAt < cacheLifetime,
                Date().timeIntervalSince(entry.createdAt) < Self.rotationAge
            else { return nil }
            return entry.key
        }
        if let cached, countChunk(ref, version: cached.version) { return cached }

        let wrapping = try await wrappingKey(account: account, region: region, group: group)
        var latest = try await latestDataKeyRow(account: account, group: group)
        let exhausted = sealedChunks.withLock { counts in
            guard let latest, let counted = counts[ref], counted.version == latest.version else { return false }
            return counted.count >= rotationChunkLimit
        }
        if latest == nil || exhausted || latest?.keyID != wrapping.id || latest?.keyAccount != wrapping.owner
            || Date().timeIntervalSince(latest?.createdAt ?? .distantPast) >= Self.rotationAge
        {
            try await createDataKey(
                account: account, group: group, version: (latest?.version ?? 0) + 1, wrappingKey: wrapping)
            latest = try await latestDataKeyRow(account: account, group: group)
        }
        guard let latest else { throw DataKeyError.destroyed }
        let material = try await openingKey(account: account, group: group, version: latest.version)
        let key = DataKey(version: latest.version, material: material)
        current.withLock {
            $0[ref] = CachedKey(key: key, createdAt: latest.createdAt, cachedAt: .now)
        }
        _ = countChunk(ref, version: key.version)
        return key
    }

    /// The key a chunk was sealed with, or `DataKeyError.destroyed` once the group's keys are gone.
    public func openingKey(account: String, group: Int64, version: Int32) async throws -> [UInt8] {
        let ref = VersionRef(account: account, group: group, version: version)
        let now = ContinuousClock.now
        if let hit = byVersion.withLock({ entries -> [UInt8]? in
            guard let entry = entries[ref], now - entry.cachedAt < cacheLifetime else { return nil }
            return entry.key
        }) {
            return hit
        }
        let rows = try await database.query(
            """
            SELECT d.dek_sealed, d.key_id, d.key_version, COALESCE(d.key_account, d.account_id),
                   v.material_sealed, k.key_state, k.region, k.policy
            FROM data_keys d
            LEFT JOIN kms_key_versions v
              ON v.account_id = COALESCE(d.key_account, d.account_id) AND v.key_id = d.key_id
             AND v.version = d.key_version
            LEFT JOIN kms_keys k ON k.account_id = COALESCE(d.key_account, d.account_id) AND k.key_id = d.key_id
            WHERE d.account_id = \(account) AND d.group_id = \(group) AND d.version = \(version)
            """)
        for try await (dekSealed, keyID, keyVersion, owner, materialSealed, state, region, policy) in rows.decode(
            (ByteBuffer, UUID, Int32, String, ByteBuffer?, String?, String?, String?).self)
        {
            guard let materialSealed, let state, let region else {
                throw DataKeyError.keyMaterialDestroyed(keyID: keyID)
            }
            try Self.checkUse(
                owner: owner, region: region, keyID: keyID, state: state, policy: policy, user: account,
                action: "kms:Decrypt")
            let material = try openKeyMaterial(materialSealed, account: owner, keyID: keyID, version: keyVersion)
            let key = try AESGCM.open(
                Array(dekSealed.readableBytesView), key: material,
                authenticating: Self.dataKeyContext(account: account, group: group, version: version))
            byVersion.withLock { $0[ref] = (key, .now) }
            await AuditTrail(database: database).record(
                account: owner, region: region, principal: Self.principal(for: account, owner: owner),
                operation: "Decrypt",
                keyARN: Self.keyARN(owner, region, keyID), outcome: "Success")
            return key
        }
        throw DataKeyError.destroyed
    }

    /// Drops every cached key, after a KMS key changed state, so that this process sees the change at once
    /// (others within `cacheLifetime`).
    public func forgetAll() {
        current.withLock { $0.removeAll() }
        byVersion.withLock { $0.removeAll() }
    }

    /// Drops cached keys of a group whose keys were destroyed.
    public func forget(account: String, group: Int64) {
        current.withLock { $0[GroupRef(account: account, group: group)] = nil }
        byVersion.withLock { entries in
            entries = entries.filter { !($0.key.account == account && $0.key.group == group) }
        }
    }

    // MARK: storage

    private struct DataKeyRow {
        let version: Int32
        let createdAt: Date
        let keyID: UUID
        let keyAccount: String
    }

    private func latestDataKeyRow(account: String, group: Int64) async throws -> DataKeyRow? {
        let rows = try await database.query(
            """
            SELECT version, created_at, key_id, COALESCE(key_account, account_id) FROM data_keys
            WHERE account_id = \(account) AND group_id = \(group)
            ORDER BY version DESC LIMIT 1
            """)
        for try await (version, createdAt, keyID, keyAccount) in rows.decode((Int32, Date, UUID, String).self) {
            return DataKeyRow(version: version, createdAt: createdAt, keyID: keyID, keyAccount: keyAccount)
        }
        return nil
    }

    /// The KMS key new data keys of the group are wrapped with: its customer key (possibly another account's),
    /// or the service default key.
    private func wrappingKey(account: String, region: String, group: Int64) async throws -> (owner: String, id: UUID) {
        let rows = try await database.query(
            """
            SELECT kms_key_uuid, COALESCE(kms_key_account, account_id) FROM log_groups
            WHERE account_id = \(account) AND group_id = \(group)
            """)
        for try await (keyID, owner) in rows.decode((UUID?, String).self) {
            if let keyID { return (owner, keyID) }
            return (account, try await serviceDefaultKey(account: account, region: region).0)
        }
        throw DataKeyError.destroyed
    }

    /// A key may wrap or unwrap a group's data keys while enabled, and — when it belongs to another account —
    /// while its policy allows the group's account the action.
    static func checkUse(
        owner: String, region: String, keyID: UUID, state: String, policy: String?, user: String, action: String
    ) throws {
        let arn = keyARN(owner, region, keyID)
        let state = try KeyState(stored: state)
        guard state == .enabled else { throw DataKeyError.keyUnusable(keyARN: arn, state: state) }
        if owner != user,
            !ResourcePolicy.allows(
                policy,
                PolicyRequest(
                    account: user, principal: ARN.accountRoot(user).description, action: action, region: region,
                    viaService: "logs.\(region).amazonaws.com"))
        {
            throw DataKeyError.keyNotAllowed(keyARN: arn)
        }
    }

    /// Who used a key, as the audit trail shows it: the log service, on behalf of another account if so.
    static func principal(for account: String, owner: String) -> String {
        owner == account ? AuditTrail.logsPrincipal : "\(AuditTrail.logsPrincipal)/\(account)"
    }

    private func createDataKey(
        account: String, group: Int64, version: Int32, wrappingKey: (owner: String, id: UUID)
    ) async throws {
        let (owner, keyID) = wrappingKey
        let rows = try await database.query(
            """
            SELECT v.version, v.material_sealed, k.key_state, k.region, k.policy FROM kms_keys k
            JOIN kms_key_versions v ON v.account_id = k.account_id AND v.key_id = k.key_id
            WHERE k.account_id = \(owner) AND k.key_id = \(keyID) ORDER BY v.version DESC LIMIT 1
            """)
        var wrapping: (Int32, [UInt8])?
        var wrappingRegion: String?
        for try await (keyVersion, sealed, state, region, policy) in rows.decode(
            (Int32, ByteBuffer, String, String, String?).self)
        {
            wrappingRegion = region
            try Self.checkUse(
                owner: owner, region: region, keyID: keyID, state: state, policy: policy, user: account,
                action: "kms:GenerateDataKey")
            wrapping = (keyVersion, try openKeyMaterial(sealed, account: owner, keyID: keyID, version: keyVersion))
        }
        guard let (keyVersion, material) = wrapping, let region = wrappingRegion else {
            throw DataKeyError.keyMaterialDestroyed(keyID: keyID)
        }
        let dek = SecureRandom.bytes(AESGCM.keyByteCount)
        let sealed = try AESGCM.seal(
            dek, key: material, authenticating: Self.dataKeyContext(account: account, group: group, version: version))
        // A concurrent creator may win the race for this version; either key is fine, the row decides.
        try await database.query(
            """
            INSERT INTO data_keys (account_id, group_id, version, key_id, key_version, dek_sealed, key_account)
            SELECT \(account), \(group), \(version), \(keyID), \(keyVersion), \(ByteBuffer(bytes: sealed)), \(owner)
            WHERE EXISTS (SELECT 1 FROM log_groups WHERE account_id = \(account) AND group_id = \(group))
            ON CONFLICT DO NOTHING
            """)
        await AuditTrail(database: database).record(
            account: owner, region: region, principal: Self.principal(for: account, owner: owner),
            operation: "GenerateDataKey", keyARN: Self.keyARN(owner, region, keyID), outcome: "Success")
    }

    static func keyARN(_ account: String, _ region: String, _ keyID: UUID) -> String {
        ARN(region: region, account: account, resource: .key(keyID.uuidString.lowercased())).description
    }

    /// The id of the account's service default key for a region (`alias/aws/logs`), created on first use.
    public func serviceDefaultKeyID(account: String, region: String) async throws -> UUID {
        try await serviceDefaultKey(account: account, region: region).0
    }

    /// The account's service default key for a region (created on first use): id, version and material.
    private func serviceDefaultKey(account: String, region: String) async throws -> (UUID, Int32, [UInt8]) {
        for _ in 0..<2 {
            let rows = try await database.query(
                """
                SELECT k.key_id, v.version, v.material_sealed FROM kms_keys k
                JOIN kms_key_versions v ON v.account_id = k.account_id AND v.key_id = k.key_id
                WHERE k.account_id = \(account) AND k.region = \(region) AND k.key_manager = 'SERVICE_DEFAULT'
                ORDER BY v.version DESC LIMIT 1
                """)
            for try await (keyID, version, sealed) in rows.decode((UUID, Int32, ByteBuffer).self) {
                return (keyID, version, try openKeyMaterial(sealed, account: account, keyID: keyID, version: version))
            }
            let keyID = UUID()
            try await database.transaction { connection in
                let inserted = try await connection.query(
                    """
                    INSERT INTO kms_keys (account_id, region, key_id, key_manager)
                    VALUES (\(account), \(region), \(keyID), 'SERVICE_DEFAULT') ON CONFLICT DO NOTHING RETURNING 1
                    """, logger: database.logger)
                for try await _ in inserted {
                    try await KeyMaterial.insertNewVersion(
                        account: account, keyID: keyID, version: 1, rootKey: rootKey, on: connection,
                        logger: database.logger)
                }
            }
        }
        throw DataKeyError.destroyed
    }

    private func openKeyMaterial(_ sealed: ByteBuffer, account: String, keyID: UUID, version: Int32) throws -> [UInt8] {
        try KeyMaterial.open(sealed, account: account, keyID: keyID, version: version, rootKey: rootKey)
    }

    static func dataKeyContext(account: String, group: Int64, version: Int32) -> [UInt8] {
        Array("data-key|\(account)|\(group)|\(version)".utf8)
    }
}
