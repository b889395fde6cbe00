import CairnAccounts
import CairnCrypto
import CairnStore
import Foundation
import Testing

@Suite struct RootKeyTests {
    @Test func aRingOpensWhatItsOlderKeysSealed() throws {
        let old = Data(SecureRandom.bytes(32)).base64EncodedString()
        let new = Hex.encode(SecureRandom.bytes(32))
        let before = try RootKey.parse(old, source: "test")
        let sealed = try before.seal(Array("s3cret".utf8), context: "AKIA1")
        let ring = try RootKey.parse("\(new),\(old)", source: "test")
        #expect(ring.ids.count == 2 && ring.ids[1] == before.id)
        #expect(try ring.open(sealed, context: "AKIA1") == Array("s3cret".utf8))
        #expect(!ring.isCurrent(sealed))
        let resealed = try ring.seal(Array("s3cret".utf8), context: "AKIA1")
        #expect(ring.isCurrent(resealed))
        // The old key alone cannot open what the new one sealed; the context is bound.
        #expect(throws: (any Error).self) { try before.open(resealed, context: "AKIA1") }
        #expect(throws: (any Error).self) { try ring.open(sealed, context: "AKIA2") }
        #expect(throws: (any Error).self) { try RootKey.parse("too short", source: "test") }
    }
}
