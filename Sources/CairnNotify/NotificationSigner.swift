import CairnAccounts
import CairnCrypto
import CairnStore
import Foundation
import NIOCore
import PostgresNIO
import Synchronization

/// The RSA key that signs notifications and its self-signed certificate. The first process that needs one
/// creates it (under an advisory lock, so there is one); its private key is sealed by the root key.
final class NotificationSigner: Sendable {
    static let certificatePrefix = "SimpleNotificationService-"

    let database: Database
    let rootKey: RootKey
    private let current = Mutex<(id: String, key: RSASigningKey)?>(nil)

    init(database: Database, rootKey: RootKey) {
        self.database = database
        self.rootKey = rootKey
    }

    /// The signing key's id (named by `SigningCertURL`) and the key.
    func signingKey() async throws -> (id: String, key: RSASigningKey) {
        if let loaded = current.withLock({ $0 }) { return loaded }
        let loaded = try await database.transaction { connection -> (String, RSASigningKey) in
            try await connection.query(
                "SELECT pg_advisory_xact_lock(hashtext('cairn-notification-signing-key'))", logger: database.logger)
            let rows = try await connection.query(
                "SELECT key_id, private_key_sealed FROM notification_signing_keys ORDER BY created_at DESC LIMIT 1",
                logger: database.logger)
            for try await (id, sealed) in rows.decode((String, ByteBuffer).self) {
                let der = try rootKey.open(Array(sealed.readableBytesView), context: SealingContext.notificationKey(id))
                return (id, try RSASigningKey(privateKeyDER: der))
            }
            let key = try RSASigningKey.generate()
            let id = Hex.encode(SecureRandom.bytes(16))
            let certificate = try key.selfSignedCertificate(
                commonName: "sns.cairn.local", serial: Int(SecureRandom.bytes(4).reduce(0) { $0 << 8 | Int($1) }),
                days: 3650)
            let sealed = try rootKey.seal(key.privateKeyDER, context: SealingContext.notificationKey(id))
            try await connection.query(
                """
                INSERT INTO notification_signing_keys (key_id, private_key_sealed, root_key_id, certificate, created_at)
                VALUES (\(id), \(ByteBuffer(bytes: sealed)), \(rootKey.id), \(certificate), \(WallClock.system.milliseconds))
                """, logger: database.logger)
            return (id, key)
        }
        current.withLock { $0 = loaded }
        return loaded
    }

    /// The PEM certificate of key `id`, if there is such a key.
    func certificate(id: String) async throws -> String? {
        let rows = try await database.query(
            "SELECT certificate FROM notification_signing_keys WHERE key_id = \(id)")
        for try await certificate in rows.decode(String.self) { return certificate }
        return nil
    }

    /// The base64 RSA-SHA256 signature of a message (SignatureVersion 2) and the URL of its certificate.
    func sign(
        _ message: NotificationMessage, publicURL: String
    ) async throws -> (signature: String, certificateURL: String) {
        let (id, key) = try await signingKey()
        let signature = try key.sign(Array(message.stringToSign().utf8))
        return (Data(signature).base64EncodedString(), "\(publicURL)/\(Self.certificatePrefix)\(id).pem")
    }
}
