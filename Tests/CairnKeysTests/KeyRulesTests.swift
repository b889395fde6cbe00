import CairnProtocol
import Foundation
import Testing

@testable import CairnKeys

/// The rules KMS handlers apply before any key is read: states, policies, tags, and the key a request names.
@Suite struct KeyRulesTests {
    static let caller = Caller(accountID: "123456789012", region: "us-east-1", accessKeyID: "AKIAK", role: .admin)

    @Test func keyStatesAreAWSNamesAndAnUnknownStoredOneIsACorruptRow() throws {
        #expect(
            KeyState.allCases.map(\.rawValue).sorted() == [
                "Creating", "Disabled", "Enabled", "PendingDeletion", "PendingImport", "Unavailable",
            ])
        #expect(try KeyState(stored: "PendingDeletion") == .pendingDeletion)
        #expect(throws: KeyState.StoredStateError.self) { try KeyState(stored: "NotAllowedByKeyPolicy") }
    }

    @Test func theDefaultPolicyIsValidAndNamesTheAccountRoot() throws {
        let policy = KeyService.defaultPolicy(Self.caller)
        try KeyService.checkPolicyDocument(policy)
        #expect(policy.contains("arn:aws:iam::123456789012:root"))
        #expect(throws: AWSError.self) { try KeyService.checkPolicyDocument("{\"Statement\": 3}") }
        do {
            try KeyService.checkPolicyDocument("not json")
            Issue.record("a policy that is not JSON was accepted")
        } catch {
            #expect(error.code == "MalformedPolicyDocumentException")
        }
        try KeyService.checkPolicyName(nil)
        try KeyService.checkPolicyName("default")
        #expect(throws: AWSError("NotFoundException", "No such policy exists")) {
            try KeyService.checkPolicyName("other")
        }
    }

    @Test func tagsReserveAWSAndStopAtFifty() throws {
        try KeyService.checkTags((1...50).map { KMSTag(TagKey: "k\($0)", TagValue: "v") })
        // AWS's words, recorded against real AWS (/work/notes/kms-exactness.md).
        #expect(throws: AWSError("TagException", "Too many tags")) {
            try KeyService.checkTags((1...51).map { KMSTag(TagKey: "k\($0)", TagValue: "v") })
        }
        #expect(throws: AWSError("TagException", "Tags beginning with aws: are reserved")) {
            try KeyService.checkTags([KMSTag(TagKey: "AWS:owner", TagValue: "x")])
        }
        #expect(throws: AWSError("TagException", "Duplicate tag keys")) {
            try KeyService.checkTags([KMSTag(TagKey: "k", TagValue: "x"), KMSTag(TagKey: "k", TagValue: "y")])
        }
    }

    @Test func theKeyARequestNamesIsFoundWithoutReadingSecrets() throws {
        #expect(KeyService.keyReference(in: Array(#"{"KeyId":"alias/app"}"#.utf8), Self.caller) == "alias/app")
        #expect(KeyService.keyReference(in: Array(#"{"DestinationKeyId":"k"}"#.utf8), Self.caller) == "k")
        #expect(KeyService.keyReference(in: Array(#"{"Plaintext":"aGk="}"#.utf8), Self.caller) == nil)
        #expect(KeyService.keyReference(in: Array("not json".utf8), Self.caller) == nil)
        let deep = Array((String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000)).utf8)
        #expect(KeyService.keyReference(in: deep, Self.caller) == nil)
        let keyID = UUID()
        let arn = KeyService.keyARN(Self.caller, keyID)
        #expect(arn == "arn:aws:kms:us-east-1:123456789012:key/\(keyID.uuidString.lowercased())")
        #expect(KeyService.keyARN(in: Array(#"{"KeyMetadata":{"Arn":"\#(arn)"}}"#.utf8)) == arn)
        #expect(KeyService.keyARN(in: Array(#"{"KeyId":"\#(arn)"}"#.utf8)) == arn)
        // A ciphertext blob names its key in its header: format byte, key id, material version.
        let header = [KeyService.blobFormat] + withUnsafeBytes(of: keyID.uuid) { Array($0) } + [0, 0, 0, 1]
        let blob = Data(header + Array(repeating: 7, count: 40)).base64EncodedString()
        #expect(KeyService.keyReference(in: Array(#"{"CiphertextBlob":"\#(blob)"}"#.utf8), Self.caller) == arn)
        let short = Data(header.prefix(10)).base64EncodedString()
        #expect(KeyService.keyReference(in: Array(#"{"CiphertextBlob":"\#(short)"}"#.utf8), Self.caller) == nil)
    }

    @Test func createKeyEnumsAreTheServiceModels() {
        #expect(KMSLimits.keySpecs.contains("SYMMETRIC_DEFAULT") && KMSLimits.keySpecs.count == 17)
        #expect(Set(KMSLimits.customerMasterKeySpecs).isSubset(of: Set(KMSLimits.keySpecs)))
        #expect(KMSLimits.keyUsages.contains("ENCRYPT_DECRYPT") && KMSLimits.origins.contains("AWS_KMS"))
    }
}
