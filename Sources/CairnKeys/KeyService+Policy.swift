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
    var GrantTokens: [String]? = nil
    var DryRun: Bool? = nil
}

struct ReEncryptResponse: Encodable {
    let CiphertextBlob: Data
    let SourceKeyId: String
    let KeyId: String
    let SourceEncryptionAlgorithm: String
    let DestinationEncryptionAlgorithm: String
    var SourceKeyMaterialId: String? = nil
    var DestinationKeyMaterialId: String? = nil
}

/// Tags, key policies (stored and returned; the one policy name is `default`) and ReEncrypt.
extension KeyService {
    /// At most 50 tags per key; keys 1–128 characters, values 0–256; `aws:` is reserved.
    static let tagsPerKey = 50

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

    /// A key policy Cairn evaluates exactly, or `MalformedPolicyDocumentException` saying what it cannot.
    static func checkPolicyDocument(_ policy: String) throws(AWSError) {
        do {
            _ = try ResourcePolicy(policy)
        } catch {
            throw AWSError("MalformedPolicyDocumentException", "The new key policy is not valid: \(error.description)")
        }
    }

    /// Tag lengths, as the model's constraints (`tags.N.member.tagKey`, 1–128; `tagValue`, 0–256).
    static func validateTags(_ tags: [KMSTag]?, _ validation: inout Validation) {
        for (index, tag) in (tags ?? []).enumerated() {
            validation.string(
                tag.TagKey, "tags.\(index + 1).member.tagKey", min: KMSLimits.tagKeyLength.lowerBound,
                max: KMSLimits.tagKeyLength.upperBound)
            validation.string(tag.TagValue, "tags.\(index + 1).member.tagValue", max: KMSLimits.tagValueMaxLength)
        }
    }

    /// AWS's TagException words: reserved `aws:` keys (any case), a key given twice, more than 50.
    static func checkTags(_ tags: [KMSTag]) throws(AWSError) {
        if tags.contains(where: { $0.TagKey.lowercased().hasPrefix("aws:") }) {
            throw AWSError("TagException", "Tags beginning with aws: are reserved")
        }
        if Set(tags.map(\.TagKey)).count != tags.count { throw AWSError("TagException", "Duplicate tag keys") }
        if tags.count > tagsPerKey { throw AWSError("TagException", "Too many tags") }
    }

    static func checkPolicyName(_ name: String?) throws(AWSError) {
        if let name, name != policyName {
            throw AWSError("NotFoundException", "No such policy exists")
        }
    }

    // MARK: ReEncrypt

}
