import CairnCrypto
import Testing

@Suite struct CryptoTests {
    @Test func sha256MatchesKnownVector() {
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex([UInt8]()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test func hmacMatchesRFC4231Case2() {
        let mac = HMACSHA256.authenticate(Array("what do ya want for nothing?".utf8), key: Array("Jefe".utf8))
        #expect(Hex.encode(mac) == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    @Test func aesGCMRoundTripsAndRejectsTampering() throws {
        let key = SecureRandom.bytes(32)
        let message = Array("a log line".utf8)
        let sealed = try AESGCM.seal(message, key: key, authenticating: Array("aad".utf8))
        #expect(sealed.count == message.count + 28)
        #expect(try AESGCM.open(sealed, key: key, authenticating: Array("aad".utf8)) == message)
        #expect(throws: CryptoError.authenticationFailed) {
            try AESGCM.open(sealed, key: key, authenticating: Array("other".utf8))
        }
        var tampered = sealed
        tampered[14] ^= 1
        #expect(throws: CryptoError.authenticationFailed) {
            try AESGCM.open(tampered, key: key, authenticating: Array("aad".utf8))
        }
        #expect(throws: CryptoError.authenticationFailed) {
            try AESGCM.open(sealed, key: SecureRandom.bytes(32), authenticating: Array("aad".utf8))
        }
    }

    @Test func aesGCMMatchesNISTVector() throws {
        // NIST GCM test case 13 (AES-256, zero key, zero IV, empty plaintext): tag 530f8afbc74536b9a963b4f1c4cb738b.
        // seal() draws a random nonce, so check open() on the known sealed value instead.
        let key = [UInt8](repeating: 0, count: 32)
        let sealed = [UInt8](repeating: 0, count: 12) + Hex.decode("530f8afbc74536b9a963b4f1c4cb738b")!
        #expect(try AESGCM.open(sealed, key: key).isEmpty)
        // Test case 14: one zero block → cea7403d4d606b6e074ec5d3baf39d18, tag d0d1c8a799996bf0265b98b5d48ab919.
        let sealed14 =
            [UInt8](repeating: 0, count: 12) + Hex.decode("cea7403d4d606b6e074ec5d3baf39d18")!
            + Hex.decode("d0d1c8a799996bf0265b98b5d48ab919")!
        #expect(try AESGCM.open(sealed14, key: key) == [UInt8](repeating: 0, count: 16))
    }

    @Test func randomBytesDiffer() {
        #expect(SecureRandom.bytes(32) != SecureRandom.bytes(32))
        #expect(SecureRandom.bytes(7).count == 7)
    }
}

@Suite struct ZstdTests {
    @Test func roundTripsAndShrinksRepetitiveText() throws {
        let text = Array(String(repeating: "GET /index.html HTTP/1.1 200 1043\n", count: 1000).utf8)
        let compressed = try Zstd.compress(text)
        #expect(compressed.count < text.count / 20)
        #expect(try Zstd.decompress(compressed, limit: text.count) == text)
        #expect(try Zstd.decompress(try Zstd.compress([]), limit: 0) == [])
    }

    @Test func refusesCorruptAndOversizedFrames() throws {
        let compressed = try Zstd.compress(Array(repeating: 7, count: 4096))
        #expect(throws: Zstd.Failure.tooLarge) { try Zstd.decompress(compressed, limit: 100) }
        #expect(throws: Zstd.Failure.corrupt) { try Zstd.decompress([1, 2, 3, 4, 5, 6, 7, 8, 9], limit: 100) }
        var damaged = compressed
        damaged[damaged.count - 2] ^= 0xff
        #expect(throws: Zstd.Failure.self) { try Zstd.decompress(damaged, limit: 4096) }
    }
}

@Suite struct GzipTests {
    @Test func roundTripsAndReadsWhatPythonWrites() throws {
        let text = Array(String(repeating: "CloudWatch Logs subscription payload ✓ ", count: 200).utf8)
        let compressed = try Gzip.compress(text)
        #expect(compressed.starts(with: [0x1F, 0x8B]) && compressed.count < text.count / 10)
        #expect(try Gzip.decompress(compressed, limit: 1 << 20) == text)
        #expect(throws: Gzip.Failure.tooLarge) { try Gzip.decompress(compressed, limit: 100) }
        #expect(throws: Gzip.Failure.corrupt) { try Gzip.decompress(Array(compressed.prefix(20)), limit: 1 << 20) }
        // `gzip.compress(b"hello")` from Python 3.11 (mtime 0).
        let python: [UInt8] = [
            0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0xCB, 0x48, 0xCD, 0xC9, 0xC9, 0x07, 0x00, 0x86,
            0xA6, 0x10, 0x36, 0x05, 0x00, 0x00, 0x00,
        ]
        #expect(try Gzip.decompress(python, limit: 100) == Array("hello".utf8))
    }
}

/// The RSA key that signs SNS notifications (verified outside Cairn with Python's `cryptography`, end to end).
@Suite struct RSASigningKeyTests {
    @Test func theKeySurvivesItsDEREncodingAndSignsDeterministically() throws {
        let key = try RSASigningKey.generate()
        let again = try RSASigningKey(privateKeyDER: key.privateKeyDER)
        let message = Array("Message\nhello\nType\nNotification\n".utf8)
        // PKCS #1 v1.5 signatures are deterministic: the reloaded key signs exactly the same.
        #expect(try key.sign(message) == again.sign(message))
        #expect(try key.sign(message).count == 256)
        #expect(try key.sign(message) != key.sign(message + [0]))
        let pem = try key.selfSignedCertificate(commonName: "sns.test", serial: 7, days: 30)
        #expect(pem.hasPrefix("-----BEGIN CERTIFICATE-----\n") && pem.hasSuffix("-----END CERTIFICATE-----\n"))
        #expect(throws: (any Error).self) { try RSASigningKey(privateKeyDER: [1, 2, 3]) }
    }
}

/// RFC 4231's HMAC-SHA-2 test vectors (test cases 1, 2 and 6).
@Suite struct HMACDigestTests {
    static let cases: [(key: [UInt8], data: [UInt8], macs: [HMACDigest: String])] = [
        (
            [UInt8](repeating: 0x0b, count: 20), Array("Hi There".utf8),
            [
                .sha224: "896fb1128abbdf196832107cd49df33f47b4b1169912ba4f53684b22",
                .sha256: "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
                .sha384:
                    "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec6"
                    + "82aa034c7cebc59cfaea9ea9076ede7f4af152e8b2fa9cb6",
                .sha512:
                    "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
                    + "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854",
            ]
        ),
        (
            Array("Jefe".utf8), Array("what do ya want for nothing?".utf8),
            [
                .sha224: "a30e01098bc6dbbf45690f3a7e9e6d0f8bbea2a39e6148008fd05e44",
                .sha256: "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
                .sha384:
                    "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47"
                    + "e42ec3736322445e8e2240ca5e69e2c78b3239ecfab21649",
                .sha512:
                    "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
                    + "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737",
            ]
        ),
        (
            [UInt8](repeating: 0xaa, count: 131),
            Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
            [
                .sha224: "95e9a0db962095adaebe9b2d6f0dbce2d499f112f2d2b7273fa6870e",
                .sha256: "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
                .sha384:
                    "4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f"
                    + "3cd11f05033ac4c60c2ef6ab4030fe8296248df163f44952",
                .sha512:
                    "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f352"
                    + "6b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598",
            ]
        ),
    ]

    @Test func rfc4231Vectors() {
        for (key, data, macs) in Self.cases {
            for (digest, mac) in macs {
                #expect(Hex.encode(digest.authenticate(data, key: key)) == mac, "\(digest)")
            }
        }
    }
}
