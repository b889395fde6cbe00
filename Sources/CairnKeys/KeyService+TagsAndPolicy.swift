import CairnProtocol
import CairnStore
import Foundation
import PostgresNIO

struct KMSTag: Codable {
    let TagKey: String
    let TagValue: String
}

struct TagKeyRequest: Decodable {
    let KeyId: String?
    let Tags: [KMSTag]?
}

struct UntagKeyRequest: Decodable {
    let KeyId: String?
    let TagKeys: [String]?
}

struct ListResourceTagsRequest: Decodable {
    let KeyId: String?
    let Limit: Int?
    let Marker: String?
}

struct ListResourceTagsResponse: Encodable {
    let Tags: [KMSTag]
    let Truncated: Bool
}

struct KeyPolicyRequest: Decodable {
    let KeyId: String?
    let PolicyName: String?
    let Policy: String?
}

struct KeyPolicyResponse: Encodable {
    let Policy: String
    let PolicyName: String
}

struct ListKeyPoliciesResponse: Encodable {
    let PolicyNames: [String]
    let Truncated: Bool
}

struct ReEncryptRequest: Decodable {
    let CiphertextBlob: Data?
    let SourceEncryptionContext: [String: String]?
    let SourceKeyId: String?
    let DestinationKeyId: String?
    let DestinationEncryptionContext: [String: String]?
}

struct ReEncryptResponse: Encodable {
    let CiphertextBlob: Data
    let SourceKeyId: String
    let KeyId: String
    let SourceEncryptionAlgorithm: String
    let DestinationEncryptionAlgorithm: String
}

/// Tags, key policies (stored and returned; the one policy name is `default`) and ReEncrypt.
extension KeyService {
    /// At most 50 tags per key; keys 1–128 characters, values 0–256; `aws:` is reserved.
    static let tagsPerKey = 50

    func tagResource(_ request: TagKeyRequest, _ caller: Caller) async throws -> EmptyResponse {
        try Self.validateKeyID(request.KeyId)
        var validation = Validation(exceptionCode: "ValidationException")
        validation.required(request.Tags, "tags")
        for (index, tag) in (request.Tags ?? []).enumerated() {
            validation.string(
                tag.TagKey, "tags.\(index + 1).member.tagKey", min: KMSLimits.tagKeyLength.lowerBound,
                max: KMSLimits.tagKeyLength.upperBound)
            validation.string(tag.TagValue, "tags.\(index + 1).member.tagValue", max: KMSLimits.tagValueMaxLength)
        }
        try validation.check()
        let tags = request.Tags ?? []
        try Self.checkTags(tags)
        let key = try await changeableKey(request.KeyId ?? "", caller, for: "TagResource")
        try await updateTags(key, caller) { current in
            for tag in tags { current[tag.TagKey] = tag.TagValue }
        }
        return EmptyResponse()
    }

    func untagResource(_ request: UntagKeyRequest, _ caller: Caller) async throws -> EmptyResponse {
        try Self.validateKeyID(request.KeyId)
        var validation = Validation(exceptionCode: "ValidationException")
        validation.required(request.TagKeys, "tagKeys")
        try validation.check()
        let key = try await changeableKey(request.KeyId ?? "", caller, for: "UntagResource")
        let keys = request.TagKeys ?? []
        try await updateTags(key, caller) { current in
            for name in keys { current[name] = nil }
        }
        return EmptyResponse()
    }

    func listResourceTags(_ request: ListResourceTagsRequest, _ caller: Caller) async throws -> ListResourceTagsResponse
    {
        try Self.validateKeyID(request.KeyId)
        let key = try await customerKey(request.KeyId ?? "", caller, for: "ListResourceTags")
        let tags = try await storedTags(key.id, caller)
        return ListResourceTagsResponse(
            Tags: tags.sorted { $0.key < $1.key }.map { KMSTag(TagKey: $0.key, TagValue: $0.value) },
            Truncated: false)
    }

    private func storedTags(_ keyID: UUID, _ caller: Caller) async throws -> [String: String] {
        let rows = try await database.query(
            "SELECT tags::text FROM kms_keys WHERE account_id = \(caller.accountID) AND key_id = \(keyID)")
        for try await text in rows.decode(String.self) {
            return try JSONDecoder().decode([String: String].self, from: Data(text.utf8))
        }
        return [:]
    }

    private func updateTags(
        _ key: CustomerKey, _ caller: Caller, _ change: @Sendable (inout [String: String]) -> Void
    )
        async throws
    {
        try await database.transaction { connection in
            var tags: [String: String] = [:]
            for try await text in try await connection.query(
                "SELECT tags::text FROM kms_keys WHERE account_id = \(caller.accountID) AND key_id = \(key.id) FOR UPDATE",
                logger: database.logger
            ).decode(String.self) {
                tags = try JSONDecoder().decode([String: String].self, from: Data(text.utf8))
            }
            change(&tags)
            guard tags.count <= Self.tagsPerKey else {
                throw AWSError("LimitExceededException", "A key can have at most \(Self.tagsPerKey) tags.")
            }
            let json = String(decoding: JSONRequest.encode(tags), as: UTF8.self)
            try await connection.query(
                "UPDATE kms_keys SET tags = \(json)::jsonb WHERE account_id = \(caller.accountID) AND key_id = \(key.id)",
                logger: database.logger)
        }
    }

    // MARK: key policy

    static let policyName = "default"

    /// AWS's default key policy: the account's root principal may do everything with the key.
    static func defaultPolicy(_ caller: Caller) -> String {
        """
        {
          "Version" : "2012-10-17",
          "Id" : "key-default-1",
          "Statement" : [ {
            "Sid" : "Enable IAM User Permissions",
            "Effect" : "Allow",
            "Principal" : {
              "AWS" : "arn:aws:iam::\(caller.accountID):root"
            },
            "Action" : "kms:*",
            "Resource" : "*"
          } ]
        }
        """
    }

    func getKeyPolicy(_ request: KeyPolicyRequest, _ caller: Caller) async throws -> KeyPolicyResponse {
        try Self.validateKeyID(request.KeyId)
        try Self.checkPolicyName(request.PolicyName)
        let key = try await customerKey(request.KeyId ?? "", caller, for: "GetKeyPolicy")
        var policy = Self.defaultPolicy(caller)
        for try await stored in try await database.query(
            "SELECT policy FROM kms_keys WHERE account_id = \(caller.accountID) AND key_id = \(key.id)"
        ).decode(String?.self) {
            if let stored { policy = stored }
        }
        return KeyPolicyResponse(Policy: policy, PolicyName: Self.policyName)
    }

    func putKeyPolicy(_ request: KeyPolicyRequest, _ caller: Caller) async throws -> EmptyResponse {
        try Self.validateKeyID(request.KeyId)
        var validation = Validation(exceptionCode: "ValidationException")
        validation.required(request.Policy, "policy")
        validation.string(
            request.Policy, "policy", min: KMSLimits.policyLength.lowerBound, max: KMSLimits.policyLength.upperBound)
        try validation.check()
        try Self.checkPolicyName(request.PolicyName)
        let policy = request.Policy ?? ""
        try Self.checkPolicyDocument(policy)
        let key = try await changeableKey(request.KeyId ?? "", caller, for: "PutKeyPolicy")
        try await database.query(
            "UPDATE kms_keys SET policy = \(policy) WHERE account_id = \(caller.accountID) AND key_id = \(key.id)")
        await keyRing.announceKeyChange()
        return EmptyResponse()
    }

    func listKeyPolicies(_ request: KeyIDRequest, _ caller: Caller) async throws -> ListKeyPoliciesResponse {
        try Self.validateKeyID(request.KeyId)
        _ = try await customerKey(request.KeyId ?? "", caller, for: "ListKeyPolicies")
        return ListKeyPoliciesResponse(PolicyNames: [Self.policyName], Truncated: false)
    }

    static func checkPolicyDocument(_ policy: String) throws(AWSError) {
        if NestingLimit.exceeded(json: policy.utf8) {
            throw AWSError(
                "MalformedPolicyDocumentException",
                "The new key policy nests deeper than \(NestingLimit.maximumDepth) levels.")
        }
        guard let document = ResourcePolicy.object(policy), document["Statement"] != nil else {
            throw AWSError("MalformedPolicyDocumentException", "The new key policy is not valid JSON with a Statement.")
        }
    }

    static func checkTags(_ tags: [KMSTag]) throws(AWSError) {
        if tags.contains(where: { $0.TagKey.lowercased().hasPrefix("aws:") }) {
            throw AWSError("TagException", "Tag keys beginning with \"aws:\" are reserved.")
        }
        if tags.count > tagsPerKey { throw AWSError("TagException", "A key can have at most \(tagsPerKey) tags.") }
    }

    static func checkPolicyName(_ name: String?) throws(AWSError) {
        if let name, name != policyName {
            throw AWSError("NotFoundException", "No such policy exists")
        }
    }

    // MARK: ReEncrypt

    func reEncrypt(_ request: ReEncryptRequest, _ caller: Caller) async throws -> ReEncryptResponse {
        var validation = Validation(exceptionCode: "ValidationException")
        validation.required(request.CiphertextBlob, "ciphertextBlob")
        validation.required(request.DestinationKeyId, "destinationKeyId")
        validation.string(
            request.DestinationKeyId, "destinationKeyId", min: KMSLimits.keyIDLength.lowerBound,
            max: KMSLimits.keyIDLength.upperBound)
        try validation.check()
        let opened = try await openBlob(
            Array(request.CiphertextBlob ?? Data()), context: request.SourceEncryptionContext,
            named: request.SourceKeyId, caller, for: "ReEncryptFrom")
        let destination = try await usableKey(request.DestinationKeyId ?? "", caller, for: "ReEncryptTo")
        let blob = try await seal(
            opened.plaintext, key: destination, context: request.DestinationEncryptionContext, caller)
        return ReEncryptResponse(
            CiphertextBlob: Data(blob), SourceKeyId: opened.key.arn, KeyId: destination.arn,
            SourceEncryptionAlgorithm: "SYMMETRIC_DEFAULT", DestinationEncryptionAlgorithm: "SYMMETRIC_DEFAULT")
    }
}
