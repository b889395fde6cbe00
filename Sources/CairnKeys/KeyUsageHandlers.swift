import CairnProtocol
import CairnStore
import Foundation
import PostgresNIO

struct KeyLastUsageData: Encodable {
    let Operation: String
    let Timestamp: Double
    let CloudTrailEventId: String
}

struct GetKeyLastUsageResponse: Encodable {
    let KeyId: String
    let KeyLastUsage: KeyLastUsageData?
    let TrackingStartDate: Double
    let KeyCreationDate: Double
}

/// GetKeyLastUsage: the key's latest successful cryptographic operation, from the audit trail (which records every
/// use since the key was made, so tracking starts at its creation). The event id is the audit record's.
struct KeyUsageHandlers: Sendable {
    let keys: KeyService

    /// The operations KMS tracks (the model's KeyLastUsageTrackingOperation).
    static let trackedOperations = [
        "Decrypt", "DeriveSharedSecret", "Encrypt", "GenerateDataKey", "GenerateDataKeyPair",
        "GenerateDataKeyPairWithoutPlaintext", "GenerateDataKeyWithoutPlaintext", "GenerateMac", "ReEncrypt", "Sign",
        "Verify", "VerifyMac",
    ]

    func getKeyLastUsage(_ request: KeyIDRequest, _ caller: Caller) async throws -> GetKeyLastUsageResponse {
        try KeyService.validateKeyID(request.KeyId)
        try GrantHandlers.refuseAlias(request.KeyId)
        let key = try await keys.customerKey(request.KeyId ?? "", caller, for: "GetKeyLastUsage", allowAliases: false)
        if key.owner != caller.accountID { throw AWSError.kmsNotFound(key.arn) }
        // The trail names the caller's operation ("Encrypt") or, for a use a grant allowed, "kms:Encrypt".
        let operations = Self.trackedOperations + Self.trackedOperations.map { "kms:" + $0 }
        let rows = try await keys.database.query(
            """
            SELECT audit_id, event_time, operation FROM kms_audit
            WHERE account_id = \(key.owner) AND key_arn = \(key.arn) AND outcome = 'Success'
              AND operation = ANY(\(operations))
            ORDER BY audit_id DESC LIMIT 1
            """)
        var usage: KeyLastUsageData?
        for try await (id, time, operation) in rows.decode((Int64, Int64, String).self) {
            usage = KeyLastUsageData(
                Operation: operation.hasPrefix("kms:") ? String(operation.dropFirst(4)) : operation,
                Timestamp: Double(time) / 1000, CloudTrailEventId: Self.eventID(account: key.owner, audit: id))
        }
        let created = key.createdAt.timeIntervalSince1970
        return GetKeyLastUsageResponse(
            KeyId: key.arn, KeyLastUsage: usage, TrackingStartDate: created, KeyCreationDate: created)
    }

    /// A UUID-shaped id for an audit record: the account and the record's number.
    static func eventID(account: String, audit: Int64) -> String {
        let number = String(audit, radix: 16)
        let tail = String(repeating: "0", count: max(0, 12 - number.count)) + number
        let head = String((account + "00000000").prefix(8))
        return "\(head)-0000-4000-8000-\(tail.suffix(12))"
    }
}
