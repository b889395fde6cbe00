import CairnAccounts
import CairnCrypto
import CairnProtocol
import CairnStore
import Foundation
import NIOCore
import PostgresNIO

struct GetParametersForImportRequest: Decodable {
    let KeyId: String?
    let WrappingAlgorithm: String?
    let WrappingKeySpec: String?
}

struct GetParametersForImportResponse: Encodable {
    let KeyId: String
    let ImportToken: Data
    let PublicKey: Data
    let ParametersValidTo: Double
}

struct ImportKeyMaterialRequest: Decodable {
    let KeyId: String?
    let ImportToken: Data?
    let EncryptedKeyMaterial: Data?
    /// Epoch seconds, as the JSON protocol sends timestamps.
    let ValidTo: Double?
    let ExpirationModel: String?
    let ImportType: String?
    let KeyMaterialDescription: String?
    let KeyMaterialId: String?
}

struct ImportKeyMaterialResponse: Encodable {
    let KeyId: String
    let KeyMaterialId: String
}

struct DeleteImportedKeyMaterialRequest: Decodable {
    let KeyId: String?
    let KeyMaterialId: String?
}

struct DeleteImportedKeyMaterialResponse: Encodable {
    let KeyId: String
    let KeyMaterialId: String?
}

extension AWSError {
    /// AWS's words for an operation on a key of the wrong origin.
    static func wrongOrigin(_ key: CustomerKey) -> AWSError {
        AWSError(
            "UnsupportedOperationException", "\(key.arn) origin is \(key.origin) which is not valid for this operation."
        )
    }

    static let invalidImportToken = AWSError(
        "InvalidImportTokenException", "The import token is not valid or is associated with a different KMS key.")
    static let expiredImportToken = AWSError(
        "ExpiredImportTokenException",
        "The import token has expired. Use GetParametersForImport to get a new import token and public key.")
}

/// Imported key material (Origin `EXTERNAL`): GetParametersForImport hands out an RSA wrapping public key and an
/// import token (valid 24 hours); ImportKeyMaterial unwraps the material with the private half (RSAES-OAEP, or
/// RSA-AES key wrap for material longer than OAEP carries), checks it fits the key spec and is the key's own
/// material on a reimport, and makes the key usable until `ValidTo`; DeleteImportedKeyMaterial takes it away.
struct ImportHandlers: Sendable {
    let keys: KeyService
    var database: Database { keys.database }

    static let tokenLifetime: TimeInterval = 24 * 3600
    /// ValidTo: at most 365 days ahead.
    static let longestValidity: TimeInterval = 365 * 24 * 3600
    static let wrappingAlgorithms: [String: (oaep: AsymmetricKey.OAEPHash, keyWrap: Bool)] = [
        "RSAES_OAEP_SHA_1": (.sha1, false), "RSAES_OAEP_SHA_256": (.sha256, false),
        "RSA_AES_KEY_WRAP_SHA_1": (.sha1, true), "RSA_AES_KEY_WRAP_SHA_256": (.sha256, true),
    ]
    static let wrappingKeyBits = ["RSA_2048": 2048, "RSA_3072": 3072, "RSA_4096": 4096]
    static let tokenMagic = Array("cairn-import-v1".utf8)

    func getParametersForImport(
        _ request: GetParametersForImportRequest, _ caller: Caller
    ) async throws -> GetParametersForImportResponse {
        var validation = Validation(exceptionCode: "ValidationException")
        validation.required(request.KeyId, "keyId")
        validation.string(
            request.KeyId, "keyId", min: KMSLimits.keyIDLength.lowerBound, max: KMSLimits.keyIDLength.upperBound)
        validation.required(request.WrappingAlgorithm, "wrappingAlgorithm")
        validation.oneOf(
            request.WrappingAlgorithm, "wrappingAlgorithm",
            [
                "RSAES_PKCS1_V1_5", "RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256", "RSA_AES_KEY_WRAP_SHA_1",
                "RSA_AES_KEY_WRAP_SHA_256", "SM2PKE",
            ])
        validation.required(request.WrappingKeySpec, "wrappingKeySpec")
        validation.oneOf(request.WrappingKeySpec, "wrappingKeySpec", ["RSA_2048", "RSA_3072", "RSA_4096", "SM2"])
        try validation.check()
        let algorithm = request.WrappingAlgorithm ?? ""
        let spec = request.WrappingKeySpec ?? ""
        guard Self.wrappingAlgorithms[algorithm] != nil, let bits = Self.wrappingKeyBits[spec] else {
            throw AWSError.unsupported(
                "\(algorithm) with \(spec) is not supported by Cairn for importing key material.")
        }
        let key = try await keys.changeableKey(request.KeyId ?? "", caller, for: "GetParametersForImport")
        guard key.isExternal else { throw AWSError.wrongOrigin(key) }
        if key.state == .pendingDeletion { throw AWSError.kmsPendingDeletion(key.arn) }
        let pair = try AsymmetricKey.generate(.rsa(bits: bits))
        let tokenID = UUID()
        let secret = SecureRandom.bytes(32)
        let validTo = Date().addingTimeInterval(Self.tokenLifetime)
        let sealed = try keys.rootKey.seal(
            pair.privateKeyDER, context: SealingContext.importWrappingKey(tokenID.uuidString.lowercased()))
        try await database.query(
            """
            INSERT INTO kms_import_tokens (token_id, account_id, key_id, wrapping_algorithm, wrapping_key_sealed,
                root_key_id, secret_hash, valid_to)
            VALUES (\(tokenID), \(key.owner), \(key.id), \(algorithm), \(ByteBuffer(bytes: sealed)), \(keys.rootKey.id),
                \(ByteBuffer(bytes: SHA256.hash(secret))), \(validTo))
            """)
        try await database.query("DELETE FROM kms_import_tokens WHERE valid_to < now() - interval '1 day'")
        let token = Self.tokenMagic + Self.bytes(of: tokenID) + secret
        return GetParametersForImportResponse(
            KeyId: key.arn, ImportToken: Data(token), PublicKey: Data(pair.publicKeyDER),
            ParametersValidTo: validTo.timeIntervalSince1970)
    }

    static func bytes(of id: UUID) -> [UInt8] {
        withUnsafeBytes(of: id.uuid) { Array($0) }
    }

    func importKeyMaterial(
        _ request: ImportKeyMaterialRequest, _ caller: Caller
    ) async throws -> ImportKeyMaterialResponse {
        var validation = Validation(exceptionCode: "ValidationException")
        validation.required(request.KeyId, "keyId")
        validation.string(
            request.KeyId, "keyId", min: KMSLimits.keyIDLength.lowerBound, max: KMSLimits.keyIDLength.upperBound)
        validation.required(request.ImportToken, "importToken")
        validation.hiddenCount(request.ImportToken?.count, "importToken", min: 1, max: 6144)
        validation.required(request.EncryptedKeyMaterial, "encryptedKeyMaterial")
        validation.hiddenCount(request.EncryptedKeyMaterial?.count, "encryptedKeyMaterial", min: 1, max: 6144)
        validation.oneOf(
            request.ExpirationModel, "expirationModel", ["KEY_MATERIAL_EXPIRES", "KEY_MATERIAL_DOES_NOT_EXPIRE"])
        validation.oneOf(request.ImportType, "importType", ["NEW_KEY_MATERIAL", "EXISTING_KEY_MATERIAL"])
        validation.string(request.KeyMaterialDescription, "keyMaterialDescription", max: 256)
        validation.string(request.KeyMaterialId, "keyMaterialId", min: 64, max: 64)
        try validation.check()
        let model = request.ExpirationModel ?? "KEY_MATERIAL_EXPIRES"
        let validTo: Date?
        switch (model, request.ValidTo.map { Date(timeIntervalSince1970: $0) }) {
        case ("KEY_MATERIAL_EXPIRES", .none):
            throw AWSError(
                "ValidationException", "A validTo date must be set if the ExpirationModel is KEY_MATERIAL_EXPIRES")
        case ("KEY_MATERIAL_EXPIRES", .some(let date)):
            guard date > Date(), date.timeIntervalSinceNow <= Self.longestValidity else {
                throw AWSError(
                    "ValidationException", "ValidTo must be a future date no more than 365 days from the request date.")
            }
            validTo = date
        case (_, .some):
            throw AWSError("ValidationException", "ValidTo is not valid when the ExpirationModel is \(model).")
        default: validTo = nil
        }
        let key = try await keys.changeableKey(request.KeyId ?? "", caller, for: "ImportKeyMaterial")
        guard key.isExternal else { throw AWSError.wrongOrigin(key) }
        if key.state == .pendingDeletion { throw AWSError.kmsPendingDeletion(key.arn) }
        let (algorithm, wrappingKey) = try await tokenKey(Array(request.ImportToken ?? Data()), key)
        let material = try Self.unwrap(Array(request.EncryptedKeyMaterial ?? Data()), algorithm, wrappingKey)
        let stored = try Self.checkMaterial(material, key)
        let materialID = KeyService.keyMaterialID(stored, keyID: key.blobID)
        if let given = request.KeyMaterialId, given != materialID {
            throw AWSError(
                "IncorrectKeyMaterialException", "The key material ID does not match the imported key material.")
        }
        try await database.transaction { connection in
            let rows = try await connection.query(
                """
                SELECT imported_material_id, EXISTS (SELECT 1 FROM kms_key_versions v
                    WHERE v.account_id = k.account_id AND v.key_id = k.key_id)
                FROM kms_keys k WHERE account_id = \(key.owner) AND key_id = \(key.id) FOR UPDATE
                """, logger: database.logger)
            var current: (String?, Bool)?
            for try await row in rows.decode((String?, Bool).self) { current = row }
            guard let (previous, hasMaterial) = current else { throw AWSError.kmsNotFound(key.arn) }
            if let previous, previous != materialID {
                throw AWSError(
                    "IncorrectKeyMaterialException",
                    "The key material you are trying to import is different than the existing key material.")
            }
            if request.ImportType == "EXISTING_KEY_MATERIAL", previous == nil {
                throw AWSError(
                    "IncorrectKeyMaterialException",
                    "\(key.arn) has no key material to import again: import it with ImportType NEW_KEY_MATERIAL.")
            }
            if request.ImportType == "NEW_KEY_MATERIAL", previous != nil {
                throw AWSError(
                    "IncorrectKeyMaterialException",
                    "\(key.arn) already has key material: import it again with ImportType EXISTING_KEY_MATERIAL.")
            }
            if !hasMaterial {
                try await KeyMaterial.insertNewVersion(
                    account: key.owner, keyID: key.id, version: 1, material: stored, rootKey: keys.rootKey,
                    on: connection, logger: database.logger)
            }
            try await connection.query(
                """
                UPDATE kms_keys SET imported_material_id = \(materialID), expiration_model = \(model),
                    material_valid_to = \(validTo),
                    key_state = CASE key_state WHEN 'PendingImport' THEN 'Enabled' ELSE key_state END
                WHERE account_id = \(key.owner) AND key_id = \(key.id)
                """, logger: database.logger)
        }
        await keys.keyRing.announceKeyChange()
        return ImportKeyMaterialResponse(KeyId: key.arn, KeyMaterialId: materialID)
    }

    /// The wrapping algorithm and private key of an import token for `key`.
    private func tokenKey(_ token: [UInt8], _ key: CustomerKey) async throws -> (String, AsymmetricKey) {
        let header = Self.tokenMagic.count
        guard token.count == header + 16 + 32, Array(token.prefix(header)) == Self.tokenMagic else {
            throw AWSError.invalidImportToken
        }
        let idBytes = Array(token[header..<(header + 16)])
        let id = UUID(uuid: idBytes.withUnsafeBytes { $0.loadUnaligned(as: uuid_t.self) })
        let secret = Array(token[(header + 16)...])
        let rows = try await database.query(
            """
            SELECT account_id, key_id, wrapping_algorithm, wrapping_key_sealed, secret_hash, valid_to > now()
            FROM kms_import_tokens WHERE token_id = \(id)
            """)
        for try await (account, keyID, algorithm, sealed, hash, valid) in rows.decode(
            (String, UUID, String, ByteBuffer, ByteBuffer, Bool).self)
        {
            guard account == key.owner, keyID == key.id, Array(hash.readableBytesView) == SHA256.hash(secret) else {
                throw AWSError.invalidImportToken
            }
            guard valid else { throw AWSError.expiredImportToken }
            let der = try keys.rootKey.open(
                Array(sealed.readableBytesView), context: SealingContext.importWrappingKey(id.uuidString.lowercased()))
            return (algorithm, try AsymmetricKey(privateKeyDER: der))
        }
        throw AWSError.invalidImportToken
    }

    /// The key material `wrapped` holds: RSAES-OAEP of the material, or (RSA-AES key wrap) RSAES-OAEP of an
    /// ephemeral AES-256 key followed by the material under it with AES key wrap with padding (RFC 5649).
    static func unwrap(
        _ wrapped: [UInt8], _ algorithm: String, _ wrappingKey: AsymmetricKey
    ) throws(AWSError) -> [UInt8] {
        guard let (hash, keyWrap) = wrappingAlgorithms[algorithm] else { throw AWSError.invalidImportToken }
        let invalid = AWSError(
            "InvalidCiphertextException", "The encrypted key material cannot be decrypted with the import token's key.")
        guard keyWrap else {
            guard let material = wrappingKey.decrypt(wrapped, oaep: hash) else { throw invalid }
            return material
        }
        let modulus =
            wrappingKey.kind.flatMap { kind -> Int? in
                if case .rsa(let bits) = kind { bits / 8 } else { nil }
            } ?? 0
        guard wrapped.count > modulus, let aesKey = wrappingKey.decrypt(Array(wrapped.prefix(modulus)), oaep: hash),
            aesKey.count == 32, let material = AESKeyWrap.unwrapPadded(Array(wrapped.dropFirst(modulus)), kek: aesKey)
        else { throw invalid }
        return material
    }

    /// The material as stored, if it fits the key spec: 32 bytes for a symmetric key; for an HMAC key, from the
    /// digest's length to its block size; for an asymmetric key, a PKCS #8 private key of the spec's kind.
    static func checkMaterial(_ material: [UInt8], _ key: CustomerKey) throws(AWSError) -> [UInt8] {
        func incorrect(_ reason: String) -> AWSError {
            AWSError("IncorrectKeyMaterialException", "The key material is not valid for \(key.keySpec): \(reason).")
        }
        if key.isSymmetric {
            guard material.count == AESGCM.keyByteCount else { throw incorrect("it must be 256 bits") }
            return material
        }
        if let digest = key.macDigest {
            let block = digest.byteCount <= 32 ? 64 : 128
            guard (digest.byteCount...block).contains(material.count) else {
                throw incorrect("it must be \(digest.byteCount) to \(block) bytes")
            }
            return material
        }
        guard let expected = KMSLimits.signingKeySpecs[key.keySpec]?.kind,
            let pair = try? AsymmetricKey(privateKeyDER: material), pair.kind == expected
        else { throw incorrect("it must be a DER-encoded PKCS #8 private key of that kind") }
        return pair.privateKeyDER
    }

    func deleteImportedKeyMaterial(
        _ request: DeleteImportedKeyMaterialRequest, _ caller: Caller
    ) async throws -> DeleteImportedKeyMaterialResponse {
        var validation = Validation(exceptionCode: "ValidationException")
        validation.required(request.KeyId, "keyId")
        validation.string(
            request.KeyId, "keyId", min: KMSLimits.keyIDLength.lowerBound, max: KMSLimits.keyIDLength.upperBound)
        validation.string(request.KeyMaterialId, "keyMaterialId", min: 64, max: 64)
        try validation.check()
        let key = try await keys.changeableKey(request.KeyId ?? "", caller, for: "DeleteImportedKeyMaterial")
        guard key.isExternal else { throw AWSError.wrongOrigin(key) }
        let materialID = try await KeyService.deleteImportedMaterial(
            account: key.owner, keyID: key.id, database: database)
        if let given = request.KeyMaterialId, given != materialID {
            throw AWSError("NotFoundException", "Key material \(given) is not found for \(key.arn).")
        }
        await keys.keyRing.announceKeyChange()
        return DeleteImportedKeyMaterialResponse(KeyId: key.arn, KeyMaterialId: materialID)
    }
}

extension KeyService {
    /// Identifies key material without revealing it: HMAC-SHA256 keyed by the material over the key's id, as 64 hex
    /// digits (AWS's KeyMaterialId has that form). The same material in the same key has the same id.
    static func keyMaterialID(_ material: [UInt8], keyID: UUID) -> String {
        Hex.encode(
            HMACDigest.sha256.authenticate(
                Array("cairn/kms-key-material/\(keyID.uuidString.lowercased())".utf8), key: material))
    }

    /// Deletes an EXTERNAL key's material (every version, crypto-shredding what it protected until the same material
    /// is imported again); the key becomes PendingImport unless it is pending deletion. Returns the material's id.
    @discardableResult
    static func deleteImportedMaterial(account: String, keyID: UUID, database: Database) async throws -> String? {
        try await database.transaction { connection in
            try await connection.query(
                "DELETE FROM kms_key_versions WHERE account_id = \(account) AND key_id = \(keyID)",
                logger: database.logger)
            let rows = try await connection.query(
                """
                UPDATE kms_keys SET material_valid_to = NULL, expiration_model = NULL,
                    key_state = CASE key_state WHEN 'PendingDeletion' THEN key_state ELSE 'PendingImport' END
                WHERE account_id = \(account) AND key_id = \(keyID) RETURNING imported_material_id
                """, logger: database.logger)
            for try await id in rows.decode(String?.self) { return id }
            return nil
        }
    }
}
