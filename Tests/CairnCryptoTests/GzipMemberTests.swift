import Testing

@testable import CairnCrypto

/// gzip both ways: zlib's and libdeflate's members inflate to their input, alone and one after another.
@Suite struct GzipMemberTests {
    static let text: [UInt8] = Array(
        (0..<20_000).map { "2026-12-04T11:11:\($0 % 60).123Z GET /api/items/\($0 * 7919 % 1000) 200 \($0) ms ü\n" }
            .joined().utf8)

    @Test func libdeflateMembersInflateWithZlib() throws {
        let member = try Gzip.compressFast(Self.text[...])
        #expect(member.starts(with: [0x1f, 0x8b]))
        #expect(member.count < Self.text.count / 3)
        #expect(try Gzip.decompress(member, limit: 1 << 24) == Self.text)
    }

    @Test func membersOneAfterAnotherInflateToTheWhole() throws {
        let half = Self.text.count / 2
        let file = try Gzip.compressFast(Self.text[..<half]) + Gzip.compress(Self.text[half...], level: 1)
        #expect(try Gzip.decompress(file, limit: 1 << 24) == Self.text)
    }

    @Test func emptyInputIsAnEmptyMember() throws {
        #expect(try Gzip.decompress(try Gzip.compressFast([][...]), limit: 16) == [])
    }
}
