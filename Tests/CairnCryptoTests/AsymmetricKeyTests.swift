import Testing

@testable import CairnCrypto

/// KMS's signing schemes over OpenSSL: every key kind signs and verifies, whole messages and digests alike, and a
/// key survives its DER encoding.
@Suite struct AsymmetricKeyTests {
    static let kinds: [AsymmetricKey.Kind] = [
        .rsa(bits: 2048), .ecc(curve: .p256), .ecc(curve: .p384), .ecc(curve: .p521), .ecc(curve: .secp256k1),
    ]

    static func schemes(_ kind: AsymmetricKey.Kind) -> [AsymmetricKey.Scheme] {
        let hashes: [AsymmetricKey.Hash] = [.sha256, .sha384, .sha512]
        if case .rsa = kind { return hashes.map { .rsaPSS($0) } + hashes.map { .rsaPKCS1($0) } }
        return hashes.map { .ecdsa($0) }
    }

    @Test(arguments: kinds) func signaturesVerifyAndTamperingIsCaught(_ kind: AsymmetricKey.Kind) throws {
        let key = try AsymmetricKey.generate(kind)
        let message = Array("transfer 100 to account 42".utf8)
        for scheme in Self.schemes(kind) {
            let signature = try key.sign(message, scheme: scheme, isDigest: false)
            #expect(key.verify(signature, of: message, scheme: scheme, isDigest: false), "\(scheme)")
            let digest = AsymmetricKey.hash(message, scheme.hash)
            #expect(key.verify(signature, of: digest, scheme: scheme, isDigest: true), "\(scheme)")
            let fromDigest = try key.sign(digest, scheme: scheme, isDigest: true)
            #expect(key.verify(fromDigest, of: message, scheme: scheme, isDigest: false), "\(scheme)")
            #expect(!key.verify(signature, of: message + [1], scheme: scheme, isDigest: false), "\(scheme)")
            var tampered = signature
            tampered[tampered.count / 2] ^= 0x40
            #expect(!key.verify(tampered, of: message, scheme: scheme, isDigest: false), "\(scheme)")
        }
        let reloaded = try AsymmetricKey(privateKeyDER: key.privateKeyDER)
        #expect(reloaded.publicKeyDER == key.publicKeyDER)
        // PKCS #8 reads back as the same key too (d2i_AutoPrivateKey takes both forms).
        #expect(try AsymmetricKey(privateKeyDER: key.privateKeyPKCS8DER).publicKeyDER == key.publicKeyDER)
        #expect(key.publicKeyDER.first == 0x30)
    }

    @Test func rsaKeySizesAreTheAskedOnes() throws {
        // SubjectPublicKeyInfo of an RSA key grows with its modulus: 2048 bits → 294 bytes, 3072 → 422.
        #expect(try AsymmetricKey.generate(.rsa(bits: 2048)).publicKeyDER.count == 294)
        #expect(try AsymmetricKey.generate(.rsa(bits: 3072)).publicKeyDER.count == 422)
    }
}
