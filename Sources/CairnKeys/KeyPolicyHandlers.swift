import CairnProtocol
import CairnStore
import Foundation
import PostgresNIO

/// TagResource, UntagResource, ListResourceTags, GetKeyPolicy, PutKeyPolicy, ListKeyPolicies.
struct KeyPolicyHandlers: Sendable {
    let keys: KeyService
    var database: Database { keys.database }
}

extension KeyPolicyHandlers {
    func tagResource(_ request: TagKeyRequest, _ caller: Caller) async throws -> EmptyResponse {
        try KeyService.validateKeyID(request.KeyId)
        var validation = Validation(exceptionCode: "ValidationException")
        validation.required(request.Tags, "tags")
        KeyService.validateTags(request.Tags, &validation)
        try validation.check()
        let tags = request.Tags ?? []
        try KeyService.checkTags(tags)
        let key = try await keys.changeableKey(request.KeyId ?? "", caller, for: "TagResource")
        try await updateTags(key, caller) { current in
            for tag in tags { current[tag.TagKey] = tag.TagValue }
        }
        return EmptyResponse()
    }

    func untagResource(_ request: UntagKeyRequest, _ caller: Caller) async throws -> EmptyResponse {
        try KeyService.validateKeyID(request.KeyId)
        var validation = Validation(exceptionCode: "ValidationException")
        validation.required(request.TagKeys, "tagKeys")
        try validation.check()
        let key = try await keys.changeableKey(request.KeyId ?? "", caller, for: "UntagResource")
        let keys = request.TagKeys ?? []
        try await updateTags(key, caller) { current in
            for name in keys { current[name] = nil }
        }
        return EmptyResponse()
    }

    func listResourceTags(_ request: ListResourceTagsRequest, _ caller: Caller) async throws -> ListResourceTagsResponse
    {
        try KeyService.validateKeyID(request.KeyId)
        let key = try await keys.customerKey(request.KeyId ?? "", caller, for: "ListResourceTags")
        let tags = try await storedTags(key.id, caller)
        return ListResourceTagsResponse(
            Tags: tags.sorted { $0.key < $1.key }.map { KMSTag(TagKey: $0.key, TagValue: $0.value) },
            Truncated: false)
    }

    func storedTags(_ keyID: UUID, _ caller: Caller) async throws -> [String: String] {
        let rows = try await database.query(
            "SELECT tags::text FROM kms_keys WHERE account_id = \(caller.accountID) AND key_id = \(keyID)")
        for try await text in rows.decode(String.self) {
            return try JSONDecoder().decode([String: String].self, from: Data(text.utf8))
        }
        return [:]
    }

    func updateTags(
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
            guard tags.count <= KeyService.tagsPerKey else { throw AWSError("TagException", "Too many tags") }
            let json = String(decoding: JSONRequest.encode(tags), as: UTF8.self)
            try await connection.query(
                "UPDATE kms_keys SET tags = \(json)::jsonb WHERE account_id = \(caller.accountID) AND key_id = \(key.id)",
                logger: database.logger)
        }
    }

    func getKeyPolicy(_ request: KeyPolicyRequest, _ caller: Caller) async throws -> KeyPolicyResponse {
        try KeyService.validateKeyID(request.KeyId)
        try KeyService.checkPolicyName(request.PolicyName)
        let key = try await keys.customerKey(request.KeyId ?? "", caller, for: "GetKeyPolicy")
        var policy = KeyService.defaultPolicy(caller)
        for try await stored in try await database.query(
            "SELECT policy FROM kms_keys WHERE account_id = \(caller.accountID) AND key_id = \(key.id)"
        ).decode(String?.self) {
            if let stored { policy = stored }
        }
        return KeyPolicyResponse(Policy: policy, PolicyName: KeyService.policyName)
    }

    func putKeyPolicy(_ request: KeyPolicyRequest, _ caller: Caller) async throws -> EmptyResponse {
        try KeyService.validateKeyID(request.KeyId)
        var validation = Validation(exceptionCode: "ValidationException")
        validation.required(request.Policy, "policy")
        validation.string(
            request.Policy, "policy", min: KMSLimits.policyLength.lowerBound, max: KMSLimits.policyLength.upperBound)
        try validation.check()
        try KeyService.checkPolicyName(request.PolicyName)
        let policy = request.Policy ?? ""
        try KeyService.checkPolicyDocument(policy)
        let key = try await keys.changeableKey(request.KeyId ?? "", caller, for: "PutKeyPolicy")
        try await database.query(
            "UPDATE kms_keys SET policy = \(policy) WHERE account_id = \(caller.accountID) AND key_id = \(key.id)")
        await keys.keyRing.announceKeyChange()
        return EmptyResponse()
    }

    func listKeyPolicies(_ request: KeyIDRequest, _ caller: Caller) async throws -> ListKeyPoliciesResponse {
        try KeyService.validateKeyID(request.KeyId)
        _ = try await keys.customerKey(request.KeyId ?? "", caller, for: "ListKeyPolicies")
        return ListKeyPoliciesResponse(PolicyNames: [KeyService.policyName], Truncated: false)
    }
}
