import Testing

/// Every KMS operation through `buildApplication`: its success path and its main errors.
@Suite(.enabled(if: TestDatabase.available, "needs PostgreSQL"))
struct KeyOperationTests {
    static let missingKey = "arn:aws:kms:eu-central-1:444455556666:key/00000000-0000-0000-0000-000000000000"
    static let notFound = "NotFoundException"
    static let validation = "ValidationException"

    static func kms(_ name: String) -> String { "TrentService." + name }

    static let lifecycle: [ScriptedCall] = [
        Script.ok(
            kms("CreateKey"), #"{"Description":"ops","Tags":[{"TagKey":"team","TagValue":"ops"}]}"#,
            contains: [#""KeyState":"Enabled""#], capture: ["key": ["KeyMetadata", "KeyId"]]),
        Script.fails(kms("CreateKey"), #"{"KeySpec":"NOT_A_SPEC"}"#, validation),
        Script.ok(kms("DescribeKey"), #"{"KeyId":"<<key>>"}"#, contains: [#""KeyId":"<<key>>""#]),
        Script.fails(kms("DescribeKey"), #"{"KeyId":"\#(missingKey)"}"#, notFound),
        Script.ok(kms("UpdateKeyDescription"), #"{"KeyId":"<<key>>","Description":"ops, renamed"}"#),
        Script.ok(kms("DescribeKey"), #"{"KeyId":"<<key>>"}"#, contains: [#""Description":"ops, renamed""#]),
        Script.fails(kms("UpdateKeyDescription"), #"{"KeyId":"\#(missingKey)","Description":"x"}"#, notFound),
        Script.fails(
            kms("Encrypt"), #"{"KeyId":"<<key>>","Plaintext":"aGVsbG8=","DryRun":true}"#, "DryRunOperationException"),
        Script.ok(kms("ListKeys"), #"{}"#, contains: ["<<key>>"]),
        Script.fails(kms("ListKeys"), #"{"Limit":0}"#, validation),
        Script.ok(kms("DisableKey"), #"{"KeyId":"<<key>>"}"#),
        Script.fails(kms("DisableKey"), #"{"KeyId":"\#(missingKey)"}"#, notFound),
        Script.fails(kms("Encrypt"), #"{"KeyId":"<<key>>","Plaintext":"aGVsbG8="}"#, "DisabledException"),
        Script.ok(kms("EnableKey"), #"{"KeyId":"<<key>>"}"#),
        Script.fails(kms("EnableKey"), #"{"KeyId":"\#(missingKey)"}"#, notFound),
        Script.ok(
            kms("ScheduleKeyDeletion"), #"{"KeyId":"<<key>>","PendingWindowInDays":7}"#,
            contains: [#""KeyState":"PendingDeletion""#]),
        Script.fails(kms("ScheduleKeyDeletion"), #"{"KeyId":"<<key>>","PendingWindowInDays":3}"#, validation),
        Script.ok(kms("CancelKeyDeletion"), #"{"KeyId":"<<key>>"}"#, contains: ["<<key>>"]),
        Script.fails(kms("CancelKeyDeletion"), #"{"KeyId":"\#(missingKey)"}"#, notFound),
        Script.ok(kms("TagResource"), #"{"KeyId":"<<key>>","Tags":[{"TagKey":"tier","TagValue":"gold"}]}"#),
        Script.fails(
            kms("TagResource"), #"{"KeyId":"\#(missingKey)","Tags":[{"TagKey":"tier","TagValue":"gold"}]}"#, notFound),
        Script.ok(kms("ListResourceTags"), #"{"KeyId":"<<key>>"}"#, contains: [#""TagKey":"tier""#]),
        Script.fails(kms("ListResourceTags"), #"{"KeyId":"\#(missingKey)"}"#, notFound),
        Script.ok(kms("UntagResource"), #"{"KeyId":"<<key>>","TagKeys":["tier"]}"#),
        Script.fails(kms("UntagResource"), #"{"KeyId":"\#(missingKey)","TagKeys":["tier"]}"#, notFound),
    ]

    static let crypto: [ScriptedCall] = [
        Script.ok(kms("CreateKey"), #"{}"#, capture: ["key": ["KeyMetadata", "KeyId"]]),
        Script.ok(kms("CreateKey"), #"{}"#, capture: ["other": ["KeyMetadata", "KeyId"]]),
        Script.ok(
            kms("Encrypt"), #"{"KeyId":"<<key>>","Plaintext":"aGVsbG8=","EncryptionContext":{"app":"ops"}}"#,
            capture: ["blob": ["CiphertextBlob"]]),
        Script.fails(kms("Encrypt"), #"{"KeyId":"\#(missingKey)","Plaintext":"aGVsbG8="}"#, notFound),
        Script.ok(
            kms("Decrypt"), #"{"CiphertextBlob":"<<blob>>","EncryptionContext":{"app":"ops"}}"#,
            contains: [#""Plaintext":"aGVsbG8=""#]),
        Script.fails(kms("Decrypt"), #"{"CiphertextBlob":"<<blob>>"}"#, "InvalidCiphertextException"),
        Script.ok(
            kms("ReEncrypt"),
            #"{"CiphertextBlob":"<<blob>>","SourceEncryptionContext":{"app":"ops"},"DestinationKeyId":"<<other>>"}"#,
            contains: ["<<other>>"]),
        Script.fails(
            kms("ReEncrypt"), #"{"CiphertextBlob":"AAAA","DestinationKeyId":"<<other>>"}"#,
            "InvalidCiphertextException"),
        Script.ok(kms("GenerateDataKey"), #"{"KeyId":"<<key>>","KeySpec":"AES_256"}"#, contains: [#""Plaintext""#]),
        Script.fails(kms("GenerateDataKey"), #"{"KeyId":"<<key>>"}"#, validation),
        Script.ok(
            kms("GenerateDataKeyWithoutPlaintext"), #"{"KeyId":"<<key>>","NumberOfBytes":32}"#,
            contains: [#""CiphertextBlob""#]),
        Script.fails(
            kms("GenerateDataKeyWithoutPlaintext"), #"{"KeyId":"\#(missingKey)","KeySpec":"AES_256"}"#, notFound),
        Script.ok(kms("GenerateRandom"), #"{"NumberOfBytes":16}"#, contains: [#""Plaintext""#]),
        Script.fails(kms("GenerateRandom"), #"{"NumberOfBytes":0}"#, validation),
    ]

    /// HMAC keys: a MAC that verifies, one that does not, and an HMAC key refused where it does not belong.
    static let macs: [ScriptedCall] = [
        Script.ok(
            kms("CreateKey"), #"{"KeySpec":"HMAC_384","KeyUsage":"GENERATE_VERIFY_MAC"}"#,
            contains: [#""MacAlgorithms":["HMAC_SHA_384"]"#, #""KeySpec":"HMAC_384""#],
            capture: ["hmac": ["KeyMetadata", "KeyId"]]),
        Script.fails(kms("CreateKey"), #"{"KeySpec":"HMAC_256"}"#, validation),
        Script.fails(kms("CreateKey"), #"{"KeySpec":"HMAC_256","KeyUsage":"ENCRYPT_DECRYPT"}"#, validation),
        Script.ok(
            kms("GenerateMac"), #"{"KeyId":"<<hmac>>","Message":"aGVsbG8=","MacAlgorithm":"HMAC_SHA_384"}"#,
            contains: [#""MacAlgorithm":"HMAC_SHA_384""#], capture: ["mac": ["Mac"]]),
        Script.fails(
            kms("GenerateMac"), #"{"KeyId":"<<hmac>>","Message":"aGVsbG8=","MacAlgorithm":"HMAC_SHA_256"}"#,
            "InvalidKeyUsageException"),
        Script.ok(
            kms("VerifyMac"),
            #"{"KeyId":"<<hmac>>","Message":"aGVsbG8=","MacAlgorithm":"HMAC_SHA_384","Mac":"<<mac>>"}"#,
            contains: [#""MacValid":true"#]),
        Script.fails(
            kms("VerifyMac"),
            #"{"KeyId":"<<hmac>>","Message":"aGVsbG8h","MacAlgorithm":"HMAC_SHA_384","Mac":"<<mac>>"}"#,
            "KMSInvalidMacException"),
        Script.fails(kms("Encrypt"), #"{"KeyId":"<<hmac>>","Plaintext":"aGVsbG8="}"#, "InvalidKeyUsageException"),
        Script.fails(kms("EnableKeyRotation"), #"{"KeyId":"<<hmac>>"}"#, "UnsupportedOperationException"),
        Script.fails(
            kms("GenerateMac"),
            #"{"KeyId":"<<hmac>>","Message":"aGVsbG8=","MacAlgorithm":"HMAC_SHA_384","DryRun":true}"#,
            "DryRunOperationException"),
    ]

    /// Asymmetric signing keys: a signature that verifies, one that does not, the public key, refusals.
    static let signing: [ScriptedCall] = [
        Script.ok(
            kms("CreateKey"), #"{"KeySpec":"ECC_NIST_P256","KeyUsage":"SIGN_VERIFY"}"#,
            contains: [#""SigningAlgorithms":["ECDSA_SHA_256"]"#], capture: ["ecc": ["KeyMetadata", "KeyId"]]),
        Script.fails(kms("CreateKey"), #"{"KeySpec":"RSA_2048"}"#, validation),
        Script.ok(
            kms("Sign"), #"{"KeyId":"<<ecc>>","Message":"aGVsbG8=","SigningAlgorithm":"ECDSA_SHA_256"}"#,
            contains: [#""SigningAlgorithm":"ECDSA_SHA_256""#], capture: ["signature": ["Signature"]]),
        Script.fails(
            kms("Sign"), #"{"KeyId":"<<ecc>>","Message":"aGVsbG8=","SigningAlgorithm":"ECDSA_SHA_384"}"#,
            "InvalidKeyUsageException"),
        Script.fails(
            kms("Sign"),
            #"{"KeyId":"<<ecc>>","Message":"aGVsbG8=","MessageType":"DIGEST","SigningAlgorithm":"ECDSA_SHA_256"}"#,
            validation),
        Script.ok(
            kms("Verify"),
            #"{"KeyId":"<<ecc>>","Message":"aGVsbG8=","Signature":"<<signature>>","SigningAlgorithm":"ECDSA_SHA_256"}"#,
            contains: [#""SignatureValid":true"#]),
        Script.fails(
            kms("Verify"),
            #"{"KeyId":"<<ecc>>","Message":"aGVsbG8h","Signature":"<<signature>>","SigningAlgorithm":"ECDSA_SHA_256"}"#,
            "KMSInvalidSignatureException"),
        Script.ok(kms("GetPublicKey"), #"{"KeyId":"<<ecc>>"}"#, contains: [#""KeyUsage":"SIGN_VERIFY""#]),
        Script.ok(kms("CreateKey"), #"{}"#, capture: ["symmetric": ["KeyMetadata", "KeyId"]]),
        Script.fails(kms("GetPublicKey"), #"{"KeyId":"<<symmetric>>"}"#, "UnsupportedOperationException"),
        Script.ok(
            kms("GenerateDataKeyPair"), #"{"KeyId":"<<symmetric>>","KeyPairSpec":"ECC_NIST_P256"}"#,
            contains: [#""PrivateKeyPlaintext""#, #""KeyPairSpec":"ECC_NIST_P256""#]),
        Script.fails(
            kms("GenerateDataKeyPair"), #"{"KeyId":"<<ecc>>","KeyPairSpec":"ECC_NIST_P256"}"#,
            "InvalidKeyUsageException"),
        Script.ok(
            kms("GenerateDataKeyPairWithoutPlaintext"), #"{"KeyId":"<<symmetric>>","KeyPairSpec":"RSA_2048"}"#,
            contains: [#""PrivateKeyCiphertextBlob""#, #""PublicKey""#]),
        Script.fails(
            kms("GenerateDataKeyPairWithoutPlaintext"), #"{"KeyId":"<<symmetric>>","KeyPairSpec":"RSA_1024"}"#,
            validation),
        Script.fails(kms("Encrypt"), #"{"KeyId":"<<ecc>>","Plaintext":"aGVsbG8="}"#, "InvalidKeyUsageException"),
    ]

    static let aliasesRotationAndPolicies: [ScriptedCall] = [
        Script.ok(kms("CreateKey"), #"{}"#, capture: ["key": ["KeyMetadata", "KeyId"]]),
        Script.ok(kms("CreateKey"), #"{}"#, capture: ["other": ["KeyMetadata", "KeyId"]]),
        Script.ok(kms("CreateAlias"), #"{"AliasName":"alias/ops","TargetKeyId":"<<key>>"}"#),
        Script.fails(
            kms("CreateAlias"), #"{"AliasName":"alias/ops","TargetKeyId":"<<key>>"}"#, "AlreadyExistsException"),
        Script.ok(kms("UpdateAlias"), #"{"AliasName":"alias/ops","TargetKeyId":"<<other>>"}"#),
        Script.fails(kms("UpdateAlias"), #"{"AliasName":"alias/none","TargetKeyId":"<<other>>"}"#, notFound),
        Script.ok(kms("ListAliases"), #"{"KeyId":"<<other>>"}"#, contains: [#""AliasName":"alias/ops""#]),
        Script.fails(kms("ListAliases"), #"{"Limit":0}"#, validation),
        Script.ok(kms("DeleteAlias"), #"{"AliasName":"alias/ops"}"#),
        Script.fails(kms("DeleteAlias"), #"{"AliasName":"alias/ops"}"#, notFound),
        Script.ok(kms("EnableKeyRotation"), #"{"KeyId":"<<key>>","RotationPeriodInDays":90}"#),
        Script.fails(kms("EnableKeyRotation"), #"{"KeyId":"<<key>>","RotationPeriodInDays":10}"#, validation),
        Script.ok(kms("GetKeyRotationStatus"), #"{"KeyId":"<<key>>"}"#, contains: [#""KeyRotationEnabled":true"#]),
        Script.fails(kms("GetKeyRotationStatus"), #"{"KeyId":"\#(missingKey)"}"#, notFound),
        Script.ok(kms("DisableKeyRotation"), #"{"KeyId":"<<key>>"}"#),
        Script.fails(kms("DisableKeyRotation"), #"{"KeyId":"\#(missingKey)"}"#, notFound),
        Script.ok(kms("RotateKeyOnDemand"), #"{"KeyId":"<<key>>"}"#, contains: ["<<key>>"]),
        Script.fails(kms("RotateKeyOnDemand"), #"{"KeyId":"\#(missingKey)"}"#, notFound),
        Script.ok(kms("ListKeyRotations"), #"{"KeyId":"<<key>>"}"#, contains: [#""RotationType":"ON_DEMAND""#]),
        Script.fails(kms("ListKeyRotations"), #"{"KeyId":"\#(missingKey)"}"#, notFound),
        Script.ok(kms("GetKeyPolicy"), #"{"KeyId":"<<key>>"}"#, contains: [#""PolicyName":"default""#]),
        Script.fails(kms("GetKeyPolicy"), #"{"KeyId":"\#(missingKey)"}"#, notFound),
        Script.ok(
            kms("PutKeyPolicy"),
            #"{"KeyId":"<<key>>","Policy":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"root\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::444455556666:root\"},\"Action\":\"kms:*\",\"Resource\":\"*\"}]}"}"#
        ),
        Script.fails(
            kms("PutKeyPolicy"), #"{"KeyId":"<<key>>","Policy":"not a policy"}"#, "MalformedPolicyDocumentException"),
        Script.ok(kms("ListKeyPolicies"), #"{"KeyId":"<<key>>"}"#, contains: [#""PolicyNames":["default"]"#]),
        Script.fails(kms("ListKeyPolicies"), #"{"KeyId":"\#(missingKey)"}"#, notFound),
    ]

    /// Grants: created (idempotent by name), listed, refused for operations the key cannot do, retired and revoked.
    static let grants: [ScriptedCall] = [
        Script.ok(kms("CreateKey"), #"{}"#, capture: ["key": ["KeyMetadata", "KeyId"]]),
        Script.ok(
            kms("CreateGrant"),
            #"{"KeyId":"<<key>>","GranteePrincipal":"arn:aws:iam::111122223333:root","Operations":["Encrypt","Decrypt"],"Name":"app","Constraints":{"EncryptionContextSubset":{"team":"a"}},"RetiringPrincipal":"arn:aws:iam::111122223333:role/retirer"}"#,
            capture: ["grant": ["GrantId"], "token": ["GrantToken"]]),
        Script.ok(
            kms("CreateGrant"),
            #"{"KeyId":"<<key>>","GranteePrincipal":"arn:aws:iam::111122223333:root","Operations":["Decrypt","Encrypt"],"Name":"app","Constraints":{"EncryptionContextSubset":{"team":"a"}},"RetiringPrincipal":"arn:aws:iam::111122223333:role/retirer"}"#,
            contains: [#""GrantId":"<<grant>>""#]),
        Script.ok(
            kms("ListGrants"), #"{"KeyId":"<<key>>"}"#,
            contains: [
                #""GrantId":"<<grant>>""#, #""Operations":["Decrypt","Encrypt"]"#,
                #""IssuingAccount":"arn:aws:iam::444455556666:root""#, #""EncryptionContextSubset":{"team":"a"}"#,
                #""Truncated":false"#,
            ]),
        Script.fails(
            kms("CreateGrant"),
            #"{"KeyId":"<<key>>","GranteePrincipal":"arn:aws:iam::111122223333:root","Operations":["Sign"]}"#,
            validation),
        Script.fails(
            kms("CreateGrant"),
            #"{"KeyId":"<<key>>","GranteePrincipal":"arn:aws:iam::111122223333:root","Operations":["Launch"]}"#,
            validation),
        Script.fails(
            kms("CreateGrant"),
            #"{"KeyId":"<<key>>","GranteePrincipal":"arn:aws:iam::111122223333:root","Operations":["Encrypt"],"DryRun":true}"#,
            "DryRunOperationException"),
        Script.fails(kms("RetireGrant"), #"{"GrantToken":"not-a-token"}"#, "InvalidGrantTokenException"),
        Script.ok(kms("RetireGrant"), #"{"GrantToken":"<<token>>"}"#),
        Script.ok(
            kms("CreateGrant"),
            #"{"KeyId":"<<key>>","GranteePrincipal":"arn:aws:iam::111122223333:root","Operations":["Decrypt"],"RetiringPrincipal":"arn:aws:iam::444455556666:root"}"#,
            capture: ["other": ["GrantId"]]),
        Script.ok(
            kms("ListRetirableGrants"), #"{"RetiringPrincipal":"arn:aws:iam::444455556666:root"}"#,
            contains: [#""GrantId":"<<other>>""#]),
        Script.fails(kms("ListRetirableGrants"), #"{"RetiringPrincipal":"not-an-arn"}"#, "InvalidArnException"),
        Script.ok(kms("RevokeGrant"), #"{"KeyId":"<<key>>","GrantId":"<<other>>"}"#),
        Script.fails(kms("ListGrants"), #"{"KeyId":"alias/anything"}"#, "InvalidArnException"),
        Script.ok(kms("ListGrants"), #"{"KeyId":"<<key>>"}"#, contains: [#""Grants":[]"#]),
        Script.fails(kms("RevokeGrant"), #"{"KeyId":"<<key>>","GrantId":"<<grant>>"}"#, notFound),
    ]

    /// Imported material (the import itself, which needs the wrapping key's public half, is end to end), key
    /// agreement and multi-Region keys.
    static let importsAgreementAndRegions: [ScriptedCall] = [
        Script.ok(kms("CreateKey"), #"{}"#, capture: ["symmetric": ["KeyMetadata", "KeyId"]]),
        Script.ok(
            kms("CreateKey"), #"{"Origin":"EXTERNAL"}"#, contains: [#""KeyState":"PendingImport""#],
            capture: ["external": ["KeyMetadata", "KeyId"]]),
        Script.ok(
            kms("GetParametersForImport"),
            #"{"KeyId":"<<external>>","WrappingAlgorithm":"RSAES_OAEP_SHA_256","WrappingKeySpec":"RSA_2048"}"#,
            contains: [#""ImportToken":"#, #""PublicKey":"#]),
        Script.fails(
            kms("GetParametersForImport"),
            #"{"KeyId":"<<symmetric>>","WrappingAlgorithm":"RSAES_OAEP_SHA_256","WrappingKeySpec":"RSA_2048"}"#,
            "UnsupportedOperationException"),
        Script.fails(
            kms("ImportKeyMaterial"),
            #"{"KeyId":"<<external>>","ImportToken":"bm90IGEgdG9rZW4=","EncryptedKeyMaterial":"AAAA","ExpirationModel":"KEY_MATERIAL_DOES_NOT_EXPIRE"}"#,
            "InvalidImportTokenException"),
        Script.ok(kms("DeleteImportedKeyMaterial"), #"{"KeyId":"<<external>>"}"#),
        Script.ok(kms("GetKeyLastUsage"), #"{"KeyId":"<<symmetric>>"}"#, contains: [#""TrackingStartDate":"#]),
        Script.fails(kms("GetKeyLastUsage"), #"{"KeyId":"alias/anything"}"#, "InvalidArnException"),
        Script.fails(kms("DeleteImportedKeyMaterial"), #"{"KeyId":"<<symmetric>>"}"#, "UnsupportedOperationException"),
        Script.ok(
            kms("CreateKey"), #"{"KeySpec":"ECC_NIST_P256","KeyUsage":"KEY_AGREEMENT"}"#,
            contains: [#""KeyAgreementAlgorithms":["ECDH"]"#], capture: ["agreement": ["KeyMetadata", "KeyId"]]),
        Script.ok(
            kms("DeriveSharedSecret"),
            #"{"KeyId":"<<agreement>>","KeyAgreementAlgorithm":"ECDH","PublicKey":"MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEcAxI939WWExcxjLKZWQNuRtrrM46Tfa0LOfMg4gz0ofbceUJ4/2bBg3bILpcUdzFlI1G+/ZA3+BEF4LKuF+krA=="}"#,
            contains: [#""SharedSecret":"#, #""KeyAgreementAlgorithm":"ECDH""#]),
        Script.fails(
            kms("DeriveSharedSecret"),
            #"{"KeyId":"<<symmetric>>","KeyAgreementAlgorithm":"ECDH","PublicKey":"MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEcAxI939WWExcxjLKZWQNuRtrrM46Tfa0LOfMg4gz0ofbceUJ4/2bBg3bILpcUdzFlI1G+/ZA3+BEF4LKuF+krA=="}"#,
            "InvalidKeyUsageException"),
        Script.ok(
            kms("CreateKey"), #"{"MultiRegion":true}"#, contains: [#""MultiRegion":true"#, #""KeyId":"mrk-"#],
            capture: ["regional": ["KeyMetadata", "KeyId"]]),
        Script.ok(
            kms("ReplicateKey"), #"{"KeyId":"<<regional>>","ReplicaRegion":"ap-southeast-2"}"#,
            contains: [#""MultiRegionKeyType":"REPLICA""#]),
        Script.fails(
            kms("ReplicateKey"), #"{"KeyId":"<<symmetric>>","ReplicaRegion":"ap-southeast-2"}"#,
            "UnsupportedOperationException"),
        Script.ok(kms("UpdatePrimaryRegion"), #"{"KeyId":"<<regional>>","PrimaryRegion":"ap-southeast-2"}"#),
        Script.fails(
            kms("UpdatePrimaryRegion"), #"{"KeyId":"<<symmetric>>","PrimaryRegion":"ap-southeast-2"}"#,
            "UnsupportedOperationException"),
    ]

    static let all = [lifecycle, crypto, macs, signing, aliasesRotationAndPolicies, grants, importsAgreementAndRegions]

    @Test(arguments: 0..<all.count) func script(_ index: Int) async throws {
        try await Script.run(Self.all[index])
    }
}
