import COpenSSL

/// An asymmetric key pair for signing, encryption and key agreement, as KMS's asymmetric keys are: RSA (2048, 3072, 4096 bits) or ECC (NIST P-256,
/// P-384, P-521, secp256k1). Signs and verifies whole messages or their digests; exports its public key as DER
/// SubjectPublicKeyInfo. No C type leaves this file.
public final class AsymmetricKey: @unchecked Sendable {
    public enum Kind: Sendable, Equatable {
        case rsa(bits: Int)
        case ecc(curve: Curve)
    }

    public enum Curve: Sendable, Hashable {
        case p256, p384, p521, secp256k1

        var nid: Int32 {
            switch self {
            case .p256: NID_X9_62_prime256v1
            case .p384: NID_secp384r1
            case .p521: NID_secp521r1
            case .secp256k1: NID_secp256k1
            }
        }
    }

    /// A signing scheme: the padding (RSA) and the hash.
    public enum Scheme: Sendable, Equatable {
        case rsaPSS(Hash)
        case rsaPKCS1(Hash)
        case ecdsa(Hash)

        public var hash: Hash {
            switch self {
            case .rsaPSS(let hash), .rsaPKCS1(let hash), .ecdsa(let hash): hash
            }
        }
    }

    public enum Hash: Sendable, Equatable {
        case sha256, sha384, sha512

        public var byteCount: Int {
            switch self {
            case .sha256: 32
            case .sha384: 48
            case .sha512: 64
            }
        }

        var digest: OpaquePointer? {
            switch self {
            case .sha256: EVP_sha256()
            case .sha384: EVP_sha384()
            case .sha512: EVP_sha512()
            }
        }
    }

    public enum Failure: Error, CustomStringConvertible, Equatable {
        case openSSL(String)
        public var description: String {
            switch self {
            case .openSSL(let step): "OpenSSL failed: \(step)"
            }
        }
    }

    /// The EVP_PKEY, for this module's other wrappers (a certificate's key).
    let key: OpaquePointer

    private init(key: OpaquePointer) { self.key = key }

    deinit { EVP_PKEY_free(key) }

    public static func generate(_ kind: Kind) throws -> AsymmetricKey {
        let type = if case .rsa = kind { EVP_PKEY_RSA } else { EVP_PKEY_EC }
        guard let context = EVP_PKEY_CTX_new_id(type, nil) else { throw Failure.openSSL("key context") }
        defer { EVP_PKEY_CTX_free(context) }
        guard EVP_PKEY_keygen_init(context) == 1 else { throw Failure.openSSL("key generation setup") }
        switch kind {
        case .rsa(let bits):
            guard EVP_PKEY_CTX_set_rsa_keygen_bits(context, Int32(bits)) == 1 else { throw Failure.openSSL("RSA bits") }
        case .ecc(let curve):
            guard EVP_PKEY_CTX_set_ec_paramgen_curve_nid(context, curve.nid) == 1 else {
                throw Failure.openSSL("EC curve")
            }
        }
        var key: OpaquePointer?
        guard EVP_PKEY_keygen(context, &key) == 1, let key else { throw Failure.openSSL("key generation") }
        return AsymmetricKey(key: key)
    }

    /// The key from its private DER encoding, as `privateKeyDER` wrote it.
    public convenience init(privateKeyDER der: [UInt8]) throws {
        var loaded: OpaquePointer?
        der.withUnsafeBufferPointer { buffer in
            var pointer: UnsafePointer<UInt8>? = buffer.baseAddress
            loaded = d2i_AutoPrivateKey(nil, &pointer, buffer.count)
        }
        guard let loaded else { throw Failure.openSSL("reading the private key") }
        self.init(key: loaded)
    }

    /// Another party's public key, from DER SubjectPublicKeyInfo (what GetPublicKey returns and DeriveSharedSecret
    /// takes).
    public convenience init(publicKeyDER der: [UInt8]) throws {
        var loaded: OpaquePointer?
        der.withUnsafeBufferPointer { buffer in
            var pointer: UnsafePointer<UInt8>? = buffer.baseAddress
            loaded = d2i_PUBKEY(nil, &pointer, buffer.count)
            // Trailing bytes make it something else than one key.
            if let end = pointer, let start = buffer.baseAddress, end != start + buffer.count, let key = loaded {
                EVP_PKEY_free(key)
                loaded = nil
            }
        }
        guard let loaded else { throw Failure.openSSL("reading the public key") }
        self.init(key: loaded)
    }

    /// ECDH: the raw shared secret (the x coordinate of the shared point, as long as the curve's field) of this
    /// private key and `peer`'s public key, which must be on the same curve.
    public func sharedSecret(with peer: AsymmetricKey) throws -> [UInt8] {
        guard EVP_PKEY_get_base_id(key) == EVP_PKEY_EC, EVP_PKEY_get_base_id(peer.key) == EVP_PKEY_EC else {
            throw Failure.openSSL("ECDH needs two EC keys")
        }
        guard let context = EVP_PKEY_CTX_new(key, nil) else { throw Failure.openSSL("key agreement context") }
        defer { EVP_PKEY_CTX_free(context) }
        guard EVP_PKEY_derive_init(context) == 1, EVP_PKEY_derive_set_peer(context, peer.key) == 1 else {
            throw Failure.openSSL("the peer's key is not on this key's curve")
        }
        var length = 0
        guard EVP_PKEY_derive(context, nil, &length) == 1 else { throw Failure.openSSL("key agreement") }
        var secret = [UInt8](repeating: 0, count: length)
        guard EVP_PKEY_derive(context, &secret, &length) == 1 else { throw Failure.openSSL("key agreement") }
        return Array(secret.prefix(length))
    }

    /// What the key is (RSA and its modulus size, or the curve of an ECC key); nil for any other key.
    public var kind: Kind? {
        switch EVP_PKEY_get_base_id(key) {
        case EVP_PKEY_RSA: return .rsa(bits: Int(EVP_PKEY_get_bits(key)))
        case EVP_PKEY_EC:
            var name = [CChar](repeating: 0, count: 64)
            var length = 0
            guard EVP_PKEY_get_group_name(key, &name, name.count, &length) == 1 else { return nil }
            let curves: [String: Curve] = [
                "prime256v1": .p256, "secp384r1": .p384, "secp521r1": .p521, "secp256k1": .secp256k1,
            ]
            return curves[String(decoding: name.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)]
                .map { .ecc(curve: $0) }
        default: return nil
        }
    }

    /// The private key, DER-encoded: secret material, to be sealed before it is stored.
    public var privateKeyDER: [UInt8] {
        Self.encode { i2d_PrivateKey(key, $0) }
    }

    /// The private key as DER PKCS #8 PrivateKeyInfo (what KMS's GenerateDataKeyPair returns).
    public var privateKeyPKCS8DER: [UInt8] {
        guard let info = EVP_PKEY2PKCS8(key) else { return [] }
        defer { PKCS8_PRIV_KEY_INFO_free(info) }
        return Self.encode { i2d_PKCS8_PRIV_KEY_INFO(info, $0) }
    }

    /// The public key as DER SubjectPublicKeyInfo (what KMS's GetPublicKey returns).
    public var publicKeyDER: [UInt8] {
        Self.encode { i2d_PUBKEY(key, $0) }
    }

    private static func encode(_ write: (UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>?) -> Int32) -> [UInt8] {
        let length = write(nil)
        guard length > 0 else { return [] }
        var output = [UInt8](repeating: 0, count: Int(length))
        output.withUnsafeMutableBufferPointer { buffer in
            var pointer: UnsafeMutablePointer<UInt8>? = buffer.baseAddress
            _ = write(&pointer)
        }
        return output
    }

    /// Signs `message` (hashed with the scheme's hash) or, with `isDigest`, a digest already made with it.
    /// RSA-PSS uses a salt as long as the digest, as KMS does; ECDSA signatures are DER-encoded.
    public func sign(_ message: [UInt8], scheme: Scheme, isDigest: Bool) throws -> [UInt8] {
        let digest = isDigest ? message : Self.hash(message, scheme.hash)
        guard let context = EVP_PKEY_CTX_new(key, nil) else { throw Failure.openSSL("signing context") }
        defer { EVP_PKEY_CTX_free(context) }
        guard EVP_PKEY_sign_init(context) == 1, configure(context, scheme) else {
            throw Failure.openSSL("signing setup")
        }
        var length = 0
        guard EVP_PKEY_sign(context, nil, &length, digest, digest.count) == 1 else {
            throw Failure.openSSL("signature length")
        }
        var signature = [UInt8](repeating: 0, count: length)
        guard EVP_PKEY_sign(context, &signature, &length, digest, digest.count) == 1 else {
            throw Failure.openSSL("signature")
        }
        return Array(signature.prefix(length))
    }

    /// Whether `signature` is this key's over `message` (or over the digest given, with `isDigest`).
    public func verify(_ signature: [UInt8], of message: [UInt8], scheme: Scheme, isDigest: Bool) -> Bool {
        let digest = isDigest ? message : Self.hash(message, scheme.hash)
        guard let context = EVP_PKEY_CTX_new(key, nil) else { return false }
        defer { EVP_PKEY_CTX_free(context) }
        guard EVP_PKEY_verify_init(context) == 1, configure(context, scheme) else { return false }
        return EVP_PKEY_verify(context, signature, signature.count, digest, digest.count) == 1
    }

    /// RSAES-OAEP with `hash` for both the label hash and MGF1, as KMS's `RSAES_OAEP_SHA_1`/`_256` are.
    public enum OAEPHash: Sendable, Equatable {
        case sha1, sha256

        var digest: OpaquePointer? { self == .sha1 ? EVP_sha1() : EVP_sha256() }
        var byteCount: Int { self == .sha1 ? 20 : 32 }
    }

    /// The largest plaintext RSAES-OAEP takes with this (RSA) key: modulus bytes − 2 × hash − 2.
    public func largestOAEPPlaintext(_ hash: OAEPHash) -> Int {
        Int(EVP_PKEY_get_size(key)) - 2 * hash.byteCount - 2
    }

    public func encrypt(_ plaintext: [UInt8], oaep hash: OAEPHash) throws -> [UInt8] {
        guard let context = EVP_PKEY_CTX_new(key, nil) else { throw Failure.openSSL("encryption context") }
        defer { EVP_PKEY_CTX_free(context) }
        guard EVP_PKEY_encrypt_init(context) == 1, configureOAEP(context, hash) else {
            throw Failure.openSSL("encryption setup")
        }
        var length = 0
        guard EVP_PKEY_encrypt(context, nil, &length, plaintext, plaintext.count) == 1 else {
            throw Failure.openSSL("ciphertext length")
        }
        var ciphertext = [UInt8](repeating: 0, count: length)
        guard EVP_PKEY_encrypt(context, &ciphertext, &length, plaintext, plaintext.count) == 1 else {
            throw Failure.openSSL("encryption")
        }
        return Array(ciphertext.prefix(length))
    }

    /// nil when the ciphertext is not this key's (or not OAEP with `hash`).
    public func decrypt(_ ciphertext: [UInt8], oaep hash: OAEPHash) -> [UInt8]? {
        guard let context = EVP_PKEY_CTX_new(key, nil) else { return nil }
        defer { EVP_PKEY_CTX_free(context) }
        guard EVP_PKEY_decrypt_init(context) == 1, configureOAEP(context, hash) else { return nil }
        var length = 0
        guard EVP_PKEY_decrypt(context, nil, &length, ciphertext, ciphertext.count) == 1 else { return nil }
        var plaintext = [UInt8](repeating: 0, count: length)
        guard EVP_PKEY_decrypt(context, &plaintext, &length, ciphertext, ciphertext.count) == 1 else { return nil }
        return Array(plaintext.prefix(length))
    }

    private func configureOAEP(_ context: OpaquePointer, _ hash: OAEPHash) -> Bool {
        EVP_PKEY_CTX_set_rsa_padding(context, RSA_PKCS1_OAEP_PADDING) == 1
            && EVP_PKEY_CTX_set_rsa_oaep_md(context, hash.digest) == 1
            && EVP_PKEY_CTX_set_rsa_mgf1_md(context, hash.digest) == 1
    }

    private func configure(_ context: OpaquePointer, _ scheme: Scheme) -> Bool {
        guard EVP_PKEY_CTX_set_signature_md(context, scheme.hash.digest) == 1 else { return false }
        switch scheme {
        case .rsaPSS:
            return EVP_PKEY_CTX_set_rsa_padding(context, RSA_PKCS1_PSS_PADDING) == 1
                && EVP_PKEY_CTX_set_rsa_pss_saltlen(context, RSA_PSS_SALTLEN_DIGEST) == 1
        case .rsaPKCS1:
            return EVP_PKEY_CTX_set_rsa_padding(context, RSA_PKCS1_PADDING) == 1
        case .ecdsa:
            return true
        }
    }

    static func hash(_ message: [UInt8], _ hash: Hash) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: hash.byteCount)
        var length: UInt32 = 0
        _ = EVP_Digest(message, message.count, &output, &length, hash.digest, nil)
        return output
    }
}
