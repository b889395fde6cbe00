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

    /// NIST CAVS 14.1, KAS ECC CDH primitive, P-256 COUNT 0: dIUT with QCAVS gives ZIUT.
    @Test func ecdhMatchesTheNISTVector() throws {
        let d = "7d7dc5f71eb29ddaf80d6214632eeae03d9058af1fb6d22ed80badb62bc1a534"
        let peerX = "700c48f77f56584c5cc632ca65640db91b6bacce3a4df6b42ce7cc838833d287"
        let peerY = "db71e509e3fd9b060ddb20ba5c51dcc5948d46fbf640dfe0441782cab85fa4ac"
        let z = "46fc62106420ff012e54a434fbdd2d25ccc5852060561e68040dd7778997bd7b"
        // PKCS #8 around a SEC 1 ECPrivateKey on prime256v1, and a SubjectPublicKeyInfo of the uncompressed point.
        let privateDER = try #require(
            Hex.decode("3041020100301306072a8648ce3d020106082a8648ce3d030107042730250201010420" + d))
        let peerDER = try #require(
            Hex.decode("3059301306072a8648ce3d020106082a8648ce3d03010703420004" + peerX + peerY))
        let key = try AsymmetricKey(privateKeyDER: privateDER)
        let peer = try AsymmetricKey(publicKeyDER: peerDER)
        #expect(Hex.encode(try key.sharedSecret(with: peer)) == z)
        // Wycheproof's invalid-curve cases: a point off the curve (y changed by one) is no public key at all.
        let offCurve = try #require(
            Hex.decode("3059301306072a8648ce3d020106082a8648ce3d03010703420004" + peerX + peerY.dropLast() + "d"))
        #expect(throws: AsymmetricKey.Failure.self) {
            try key.sharedSecret(with: try AsymmetricKey(publicKeyDER: offCurve))
        }
    }

    /// Both sides of an exchange derive the same secret; a peer on another curve, an RSA key and bytes that are
    /// not a key are refused.
    @Test(arguments: [AsymmetricKey.Curve.p256, .p384, .p521]) func ecdhAgreesAndRefusesOtherCurves(
        _ curve: AsymmetricKey.Curve
    ) throws {
        let alice = try AsymmetricKey.generate(.ecc(curve: curve))
        let bob = try AsymmetricKey.generate(.ecc(curve: curve))
        let secret = try alice.sharedSecret(with: try AsymmetricKey(publicKeyDER: bob.publicKeyDER))
        #expect(secret == (try bob.sharedSecret(with: try AsymmetricKey(publicKeyDER: alice.publicKeyDER))))
        #expect(secret.count == [AsymmetricKey.Curve.p256: 32, .p384: 48, .p521: 66][curve])
        let other = try AsymmetricKey.generate(.ecc(curve: curve == .p256 ? .p384 : .p256))
        #expect(throws: AsymmetricKey.Failure.self) { try alice.sharedSecret(with: other) }
        #expect(throws: AsymmetricKey.Failure.self) {
            try alice.sharedSecret(with: try AsymmetricKey.generate(.rsa(bits: 2048)))
        }
        #expect(throws: AsymmetricKey.Failure.self) { try AsymmetricKey(publicKeyDER: [0x30, 0x03, 0x02, 0x01, 0x01]) }
        #expect(throws: AsymmetricKey.Failure.self) { try AsymmetricKey(publicKeyDER: bob.publicKeyDER + [0]) }
    }
}
