import CairnCrypto

/// KMS limits, each next to AWS's value (from the service model).
enum KMSLimits {
    /// ScheduleKeyDeletion: 7–30 days, default 30.
    static let pendingWindowDays = 7...30
    static let defaultPendingWindowDays = 30
    /// Description: at most 8,192 characters; ListKeys `Limit` 1–1,000 (default 100).
    static let descriptionMaxLength = 8192
    static let listLimit = 1...1000
    static let defaultListLimit = 100
    /// Encrypt plaintext 1–4,096 bytes; GenerateDataKey / GenerateRandom `NumberOfBytes` 1–1,024.
    static let plaintextBytes = 1...4096
    static let numberOfBytes = 1...1024

    /// KeyId, TargetKeyId, DestinationKeyId: 1–2,048 characters.
    static let keyIDLength = 1...2048
    /// CiphertextBlob: 1–6,144 bytes.
    static let ciphertextBlobBytes = 1...6144
    /// Marker: 1–1,024 characters.
    static let markerLength = 1...1024
    /// AliasName: 1–256 characters.
    static let aliasNameLength = 1...256
    /// Tag keys 1–128 characters, values 0–256.
    static let tagKeyLength = 1...128
    static let tagValueMaxLength = 256
    /// Key policy: 1–131,072 characters.
    static let policyLength = 1...131_072

    /// CreateGrant's `Operations` (the model's GrantOperation enum, in its order).
    static let grantOperations = [
        "Decrypt", "Encrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext", "ReEncryptFrom", "ReEncryptTo",
        "Sign", "Verify", "GetPublicKey", "CreateGrant", "RetireGrant", "DescribeKey", "GenerateDataKeyPair",
        "GenerateDataKeyPairWithoutPlaintext", "GenerateMac", "VerifyMac", "DeriveSharedSecret",
    ]

    /// The enum value sets of CreateKey's members (from the service model): a value outside them is a
    /// ValidationException; one inside that Cairn does not implement is an UnsupportedOperationException.
    static let keyUsages = ["SIGN_VERIFY", "ENCRYPT_DECRYPT", "GENERATE_VERIFY_MAC", "KEY_AGREEMENT"]
    static let customerMasterKeySpecs = [
        "RSA_2048", "RSA_3072", "RSA_4096", "ECC_NIST_P256", "ECC_NIST_P384", "ECC_NIST_P521", "ECC_SECG_P256K1",
        "SYMMETRIC_DEFAULT", "HMAC_224", "HMAC_256", "HMAC_384", "HMAC_512", "SM2",
    ]
    static let keySpecs = customerMasterKeySpecs + ["ML_DSA_44", "ML_DSA_65", "ML_DSA_87", "ECC_NIST_EDWARDS25519"]
    static let origins = ["AWS_KMS", "EXTERNAL", "AWS_CLOUDHSM", "EXTERNAL_KEY_STORE"]
    /// HMAC key specs and the one MAC algorithm each supports.
    static let hmacKeySpecs: [String: HMACDigest] = [
        "HMAC_224": .sha224, "HMAC_256": .sha256, "HMAC_384": .sha384, "HMAC_512": .sha512,
    ]
    /// Asymmetric signing keys: how each is made and the signing algorithms it supports.
    static let signingKeySpecs: [String: (kind: AsymmetricKey.Kind, algorithms: [String])] = [
        "RSA_2048": (.rsa(bits: 2048), rsaSigningAlgorithms), "RSA_3072": (.rsa(bits: 3072), rsaSigningAlgorithms),
        "RSA_4096": (.rsa(bits: 4096), rsaSigningAlgorithms),
        "ECC_NIST_P256": (.ecc(curve: .p256), ["ECDSA_SHA_256"]),
        "ECC_NIST_P384": (.ecc(curve: .p384), ["ECDSA_SHA_384"]),
        "ECC_NIST_P521": (.ecc(curve: .p521), ["ECDSA_SHA_512"]),
        "ECC_SECG_P256K1": (.ecc(curve: .secp256k1), ["ECDSA_SHA_256"]),
    ]
    static let rsaSigningAlgorithms = [
        "RSASSA_PSS_SHA_256", "RSASSA_PSS_SHA_384", "RSASSA_PSS_SHA_512", "RSASSA_PKCS1_V1_5_SHA_256",
        "RSASSA_PKCS1_V1_5_SHA_384", "RSASSA_PKCS1_V1_5_SHA_512",
    ]
    /// The scheme behind each signing algorithm Cairn implements.
    static let signingSchemes: [String: AsymmetricKey.Scheme] = [
        "RSASSA_PSS_SHA_256": .rsaPSS(.sha256), "RSASSA_PSS_SHA_384": .rsaPSS(.sha384),
        "RSASSA_PSS_SHA_512": .rsaPSS(.sha512), "RSASSA_PKCS1_V1_5_SHA_256": .rsaPKCS1(.sha256),
        "RSASSA_PKCS1_V1_5_SHA_384": .rsaPKCS1(.sha384), "RSASSA_PKCS1_V1_5_SHA_512": .rsaPKCS1(.sha512),
        "ECDSA_SHA_256": .ecdsa(.sha256), "ECDSA_SHA_384": .ecdsa(.sha384), "ECDSA_SHA_512": .ecdsa(.sha512),
    ]
    static let signingAlgorithms = [
        "RSASSA_PSS_SHA_256", "RSASSA_PSS_SHA_384", "RSASSA_PSS_SHA_512", "RSASSA_PKCS1_V1_5_SHA_256",
        "RSASSA_PKCS1_V1_5_SHA_384", "RSASSA_PKCS1_V1_5_SHA_512", "ECDSA_SHA_256", "ECDSA_SHA_384", "ECDSA_SHA_512",
        "SM2DSA", "ML_DSA_SHAKE_256", "ED25519_SHA_512", "ED25519_PH_SHA_512",
    ]
    static let rsaEncryptionAlgorithms = ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"]
    /// Operations only a symmetric encryption key does (an RSA encryption key only encrypts and decrypts).
    static let symmetricOperations: Set<String> = [
        "ReEncrypt", "ReEncryptFrom", "ReEncryptTo", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext",
        "GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext",
    ]
    static let dataKeyPairSpecs = [
        "RSA_2048", "RSA_3072", "RSA_4096", "ECC_NIST_P256", "ECC_NIST_P384", "ECC_NIST_P521", "ECC_SECG_P256K1", "SM2",
        "ECC_NIST_EDWARDS25519",
    ]
    /// Sign's and Verify's message: 1–4,096 bytes.
    static let signMessageBytes = 1...4096

    /// GenerateMac's and VerifyMac's message: 1–4,096 bytes; a MAC blob: 1–6,144 bytes.
    static let macMessageBytes = 1...4096
    static let macBytes = 1...6144
    /// Only symmetric encryption keys rotate.
    static let rotationOperations: Set<String> = ["EnableKeyRotation", "RotateKeyOnDemand"]
    /// What each cryptographic operation needs a key's KeyUsage to be.
    static let requiredUsage: [String: String] = [
        "Encrypt": "ENCRYPT_DECRYPT", "Decrypt": "ENCRYPT_DECRYPT", "ReEncrypt": "ENCRYPT_DECRYPT",
        "ReEncryptFrom": "ENCRYPT_DECRYPT", "ReEncryptTo": "ENCRYPT_DECRYPT",
        "GenerateDataKey": "ENCRYPT_DECRYPT", "GenerateDataKeyWithoutPlaintext": "ENCRYPT_DECRYPT",
        "GenerateDataKeyPair": "ENCRYPT_DECRYPT", "GenerateDataKeyPairWithoutPlaintext": "ENCRYPT_DECRYPT",
        "GenerateMac": "GENERATE_VERIFY_MAC", "VerifyMac": "GENERATE_VERIFY_MAC", "Sign": "SIGN_VERIFY",
        "Verify": "SIGN_VERIFY", "DeriveSharedSecret": "KEY_AGREEMENT",
    ]
    /// The key specs that can be KEY_AGREEMENT keys (SM2 is China Regions only).
    static let keyAgreementSpecs: Set<String> = ["ECC_NIST_P256", "ECC_NIST_P384", "ECC_NIST_P521"]
}
