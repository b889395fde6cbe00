import CairnCrypto
import CairnProtocol
import CairnStore
import Foundation
import PostgresNIO

/// A grant as stored: the key's owner lets `grantee` use the key for `operations`, within `constraints`.
struct KeyGrant {
    let owner: String
    let keyID: UUID
    let id: String
    let name: String?
    let grantee: String
    let retiring: String?
    let issuingAccount: String
    let operations: [String]
    let constraints: GrantConstraints?
    let createdAt: Date

    static let columns =
        "account_id, key_id, grant_id, name, grantee_principal, retiring_principal, issuing_account, operations, "
        + "context_subset::text, context_equals::text, created_at"

    typealias Row = (String, UUID, String, String?, String, String?, String, [String], String?, String?, Date)

    init(_ row: Row) throws {
        (owner, keyID, id, name, grantee, retiring, issuingAccount, operations, _, _, createdAt) = row
        let decoder = JSONDecoder()
        let subset = try row.8.map { try decoder.decode([String: String].self, from: Data($0.utf8)) }
        let equals = try row.9.map { try decoder.decode([String: String].self, from: Data($0.utf8)) }
        constraints =
            subset == nil && equals == nil
            ? nil : GrantConstraints(EncryptionContextSubset: subset, EncryptionContextEquals: equals)
    }

    /// Whether a request with this encryption context meets the grant's constraints (AWS: a subset constraint
    /// needs each of its pairs in the context, an equals constraint the very same context).
    /// Keys compare without regard to case, values exactly (AWS: "the key in each key-value pair is not case
    /// sensitive, but the value is case sensitive").
    func allows(context: [String: String]?) -> Bool {
        guard let constraints else { return true }
        let context = Dictionary((context ?? [:]).map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { $1 })
        func folded(_ pairs: [String: String]) -> [String: String] {
            Dictionary(pairs.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { $1 })
        }
        if let subset = constraints.EncryptionContextSubset.map(folded),
            !subset.allSatisfy({ context[$0.key] == $0.value })
        {
            return false
        }
        if let equals = constraints.EncryptionContextEquals.map(folded), equals != context { return false }
        return true
    }

    /// Whether `caller` is the principal named (its account's root, or the caller itself).
    static func names(_ principal: String?, _ caller: Caller) -> Bool {
        guard let principal else { return false }
        return principal == ARN.accountRoot(caller.accountID).description || principal == caller.userARN
    }
}

/// A request that may carry grant tokens: each must be one (InvalidGrantTokenException otherwise).
protocol GrantTokenCarrying {
    var GrantTokens: [String]? { get }
}

extension KeyIDRequest: GrantTokenCarrying {}
extension EncryptRequest: GrantTokenCarrying {}
extension DecryptRequest: GrantTokenCarrying {}
extension GenerateDataKeyRequest: GrantTokenCarrying {}
extension ReEncryptRequest: GrantTokenCarrying {}
extension GenerateDataKeyPairRequest: GrantTokenCarrying {}
extension GenerateMacRequest: GrantTokenCarrying {}
extension VerifyMacRequest: GrantTokenCarrying {}
extension SignRequest: GrantTokenCarrying {}
extension VerifyRequest: GrantTokenCarrying {}
extension GetPublicKeyRequest: GrantTokenCarrying {}
extension DeriveSharedSecretRequest: GrantTokenCarrying {}
extension CreateGrantRequest: GrantTokenCarrying {}

/// Grant tokens: what CreateGrant returns and RetireGrant takes. A token names its grant (the key's owner, region,
/// key and grant id) with a random part, so each CreateGrant gets a token of its own; Cairn's grants take effect
/// at once, so a token is never needed to use one.
struct GrantToken: Codable, Equatable {
    let a: String
    let r: String
    let k: UUID
    let g: String
    let n: String

    init(owner: String, region: String, key: UUID, grant: String) {
        (a, r, k, g, n) = (owner, region, key, grant, Hex.encode(SecureRandom.bytes(16)))
    }

    var text: String {
        let json = (try? JSONEncoder().encode(self)) ?? Data()
        return json.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(
            of: "/", with: "_"
        ).replacingOccurrences(of: "=", with: "")
    }

    /// The token `text` is, or nil when it is not one of Cairn's grant tokens.
    static func read(_ text: String) -> GrantToken? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64) else { return nil }
        return try? JSONDecoder().decode(GrantToken.self, from: data)
    }
}

extension KeyService {
    /// The grant that lets `caller` do `operation` with the key, given the request's encryption context, if any.
    func grantAllowing(
        owner: String, key: UUID, _ caller: Caller, operation: String, context: [String: String]?
    ) async throws -> KeyGrant? {
        let principals = [ARN.accountRoot(caller.accountID).description, caller.userARN]
        let rows = try await database.query(
            """
            SELECT \(unescaped: KeyGrant.columns) FROM kms_grants
            WHERE account_id = \(owner) AND key_id = \(key) AND region = \(caller.region)
              AND grantee_principal = ANY(\(principals)) AND \(operation) = ANY(operations)
            ORDER BY created_at, grant_id
            """)
        for try await row in rows.decode(KeyGrant.Row.self) {
            let grant = try KeyGrant(row)
            if grant.allows(context: context) { return grant }
        }
        return nil
    }

    /// One grant of a key, by id.
    func grant(owner: String, key: UUID, id: String) async throws -> KeyGrant? {
        let rows = try await database.query(
            """
            SELECT \(unescaped: KeyGrant.columns) FROM kms_grants
            WHERE account_id = \(owner) AND key_id = \(key) AND grant_id = \(id)
            """)
        for try await row in rows.decode(KeyGrant.Row.self) { return try KeyGrant(row) }
        return nil
    }
}
