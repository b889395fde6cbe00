import Testing

@testable import CairnProtection

/// The one-pass traits only skip scanners that would find nothing.
@Suite("Message traits")
struct MessageTraitsTests {
    @Test("on random messages, each identifier finds the same with and without the traits' skipping")
    func skippingLosesNothing() {
        // Pieces that make matches, near misses and noise when strung together at random.
        let pieces = [
            "card ", "secret key ", "aws_secret_access_key=", "4539 1488 0343 6467", "4539-1488-0343-6467",
            "4539148803436467", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "wJalrXUtnFEMI/K7MDENG", "a@b.co", "x@",
            "10.0.0.1", "::1", "fe80::1", " ", "-", "x", "7", "12", "=", "/", ":",
        ]
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        func next() -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(state >> 33)
        }
        var found: [ManagedIdentifier: Int] = [:]
        for _ in 0..<6000 {
            let message = ArraySlice((0..<(next() % 12)).flatMap { _ in Array(pieces[next() % pieces.count].utf8) })
            Scanners.withBytes(message) { bytes in
                let traits = MessageTraits(bytes)
                let unfiltered: [ManagedIdentifier: [Range<Int>]] = [
                    .emailAddress: Scanners.emailAddresses(bytes),
                    .ipAddress: Scanners.ipv4Addresses(bytes) + Scanners.ipv6Addresses(bytes),
                    .creditCardNumber: Scanners.near(Keywords.creditCard, in: bytes, Scanners.cardNumbers(bytes)),
                    .awsSecretKey: Scanners.near(Keywords.awsSecretKey, in: bytes, Scanners.secretKeys(bytes)),
                ]
                for (identifier, expected) in unfiltered {
                    found[identifier, default: 0] += expected.count
                    #expect(identifier.matches(in: bytes, traits: traits) == expected, "\(identifier) in \(message)")
                }
            }
        }
        for identifier in [ManagedIdentifier.emailAddress, .ipAddress, .creditCardNumber, .awsSecretKey] {
            #expect(found[identifier, default: 0] > 20, "\(identifier)")
        }
    }

    @Test("a message with no @, no 13 digits and no 40 key characters skips those scanners")
    func skips() {
        Scanners.withBytes(ArraySlice("GET /a/b?x=1 200 10.0.0.1 12:00:00".utf8)) { bytes in
            let traits = MessageTraits(bytes)
            #expect(!traits.mayHold(.emailAddress) && !traits.mayHold(.creditCardNumber))
            #expect(!traits.mayHold(.awsSecretKey) && traits.mayHold(.ipAddress))
        }
    }
}
