import CairnProtocol
import CairnStore
import Foundation
import PostgresNIO

struct AliasRequest: Decodable {
    let AliasName: String?
    let TargetKeyId: String?
}

struct ListAliasesRequest: Decodable {
    let KeyId: String?
    let Limit: Int?
    let Marker: String?
}

struct AliasListEntry: Encodable {
    let AliasName: String
    let AliasArn: String
    let TargetKeyId: String?
    let CreationDate: Double?
    let LastUpdatedDate: Double?
}

struct ListAliasesResponse: Encodable {
    let Aliases: [AliasListEntry]
    let NextMarker: String?
    let Truncated: Bool
}

extension AWSError {
    static func aliasExists(_ arn: String) -> AWSError {
        AWSError("AlreadyExistsException", "An alias with the name \(arn) already exists")
    }

    static func aliasNotFound(_ arn: String) -> AWSError { AWSError("NotFoundException", "Alias \(arn) is not found.") }

    static let aliasPrefix = AWSError(
        "ValidationException",
        "Alias must start with the prefix \"alias/\". Please see "
            + "https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html")
    static let aliasReserved = AWSError(
        "NotAuthorizedException", "Alias names that begin with \"alias/aws/\" are reserved for AWS managed keys.")
}

/// Resolving any key reference AWS allows: key id, key ARN, alias name, alias ARN.
extension KeyService {
    /// The AWS managed key for CloudWatch Logs: the account's service default key.
    static let logsManagedAlias = "alias/aws/logs"
    static let aliasPattern = NamePattern(source: "^[a-zA-Z0-9:/_-]+$", allowsEmpty: false) { scalar in
        NamePattern.isASCIIAlphanumericScalar(scalar) || ":/_-".unicodeScalars.contains(scalar)
    }

    /// The ARN of an alias given as `alias/<name>`.
    static func aliasARN(_ caller: Caller, _ name: String) -> String {
        let alias = name.hasPrefix("alias/") ? String(name.dropFirst("alias/".count)) : name
        return ARN(region: caller.region, account: caller.accountID, resource: .alias(alias)).description
    }

    /// The key a reference names: a key id or alias name in the caller's account, or a key ARN or alias ARN
    /// (which may name another account's key in the same region). Returns the owning account and the key id.
    func resolveKeyID(
        _ reference: String, _ caller: Caller, allowAliases: Bool = true
    ) async throws
        -> (owner: String, id: UUID)
    {
        var local = reference
        var owner = caller.accountID
        if reference.hasPrefix("arn:") {
            guard let arn = ARN(reference), arn.service == "kms", arn.account.count == 12,
                arn.account.allSatisfy(\.isNumber)
            else { throw AWSError.kmsNotFound(reference) }
            guard arn.region == caller.region else { throw AWSError("NotFoundException", "Invalid arn \(arn.region)") }
            owner = arn.account
            switch arn.resource {
            case .key(let id): local = "key/\(id)"
            case .alias(let name): local = "alias/\(name)"
            default: throw AWSError.kmsNotFound(reference)
            }
        }
        if local.hasPrefix("key/") { local.removeFirst(4) }
        if local.hasPrefix("alias/") {
            guard allowAliases else { throw AWSError.kmsNotFound(reference) }
            let ownerView = caller.acting(for: owner)
            if local == Self.logsManagedAlias, owner == caller.accountID,
                let managed = try await managedKeyID(caller, create: true)
            {
                return (owner, managed)
            }
            let rows = try await database.query(
                """
                SELECT key_id FROM kms_aliases
                WHERE account_id = \(owner) AND region = \(caller.region) AND alias_name = \(local)
                """)
            for try await keyID in rows.decode(UUID.self) { return (owner, keyID) }
            throw AWSError.aliasNotFound(Self.aliasARN(ownerView, local))
        }
        if local.hasPrefix("mrk-") {
            guard let keyID = Self.multiRegionID(local) else { throw AWSError.kmsNotFound(reference) }
            return (owner, keyID)
        }
        guard let keyID = UUID(uuidString: local) else {
            // AWS's words for a bare id that is no key id; a key ARN with a bad id is simply not found.
            if reference.hasPrefix("arn:") { throw AWSError.kmsNotFound(reference) }
            throw AWSError("NotFoundException", "Invalid keyId '\(reference)'")
        }
        return (owner, keyID)
    }

    /// The id of `mrk-` and 32 hex digits.
    static func multiRegionID(_ text: String) -> UUID? {
        let hex = Array(text.dropFirst(4).lowercased())
        guard text.hasPrefix("mrk-"), hex.count == 32, hex.allSatisfy(\.isHexDigit) else { return nil }
        let parts = [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(hex[$0]) }
        return UUID(uuidString: parts.joined(separator: "-"))
    }

    /// The account that owns a key id in this region, wherever it is (key ids are unique; a multi-Region set's
    /// shared id names its key in each region): for ciphertext blobs.
    func owner(ofKey keyID: UUID, _ caller: Caller) async throws -> String? {
        let rows = try await database.query(
            """
            SELECT account_id FROM kms_keys WHERE (key_id = \(keyID) OR mrk_id = \(keyID)) AND region = \(caller.region)
            """)
        for try await account in rows.decode(String.self) { return account }
        return nil
    }

    /// The account's AWS managed key for CloudWatch Logs in this region (its service default key).
    func managedKeyID(_ caller: Caller, create: Bool) async throws -> UUID? {
        if create { return try await keyRing.serviceDefaultKeyID(account: caller.accountID, region: caller.region) }
        let rows = try await database.query(
            """
            SELECT key_id FROM kms_keys
            WHERE account_id = \(caller.accountID) AND region = \(caller.region) AND key_manager = 'SERVICE_DEFAULT'
            """)
        for try await keyID in rows.decode(UUID.self) { return keyID }
        return nil
    }
}
