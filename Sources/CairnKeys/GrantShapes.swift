import Foundation

/// Request and response shapes of the grant operations, as in the service model.
struct GrantConstraints: Codable, Equatable {
    var EncryptionContextSubset: [String: String]? = nil
    var EncryptionContextEquals: [String: String]? = nil
}

struct CreateGrantRequest: Decodable {
    let KeyId: String?
    let GranteePrincipal: String?
    let RetiringPrincipal: String?
    let Operations: [String]?
    let Constraints: GrantConstraints?
    let GrantTokens: [String]?
    let Name: String?
    let DryRun: Bool?
}

struct CreateGrantResponse: Encodable {
    let GrantToken: String
    let GrantId: String
}

struct ListGrantsRequest: Decodable {
    let KeyId: String?
    let Limit: Int?
    let Marker: String?
    let GrantId: String?
    let GranteePrincipal: String?
}

struct ListRetirableGrantsRequest: Decodable {
    let RetiringPrincipal: String?
    let Limit: Int?
    let Marker: String?
}

struct GrantListEntry: Encodable {
    let KeyId: String
    let GrantId: String
    let Name: String?
    let CreationDate: Double
    let GranteePrincipal: String
    let RetiringPrincipal: String?
    let IssuingAccount: String
    let Operations: [String]
    let Constraints: GrantConstraints?
}

struct ListGrantsResponse: Encodable {
    let Grants: [GrantListEntry]
    let NextMarker: String?
    let Truncated: Bool
}

struct RetireGrantRequest: Decodable {
    let GrantToken: String?
    let KeyId: String?
    let GrantId: String?
    let DryRun: Bool?
}

struct RevokeGrantRequest: Decodable {
    let KeyId: String?
    let GrantId: String?
    let DryRun: Bool?
}
