import Testing

@testable import CairnCrypto

/// RFC 5649's two examples (section 6), and round trips with a 256-bit key encryption key.
@Suite struct AESKeyWrapTests {
    static let kek = Hex.decode("5840df6e29b02af1ab493b705bf16ea1ae8338f4dcc176a8")!

    @Test func rfc5649Examples() throws {
        let twenty = Hex.decode("c37b7e6492584340bed12207808941155068f738")!
        let seven = Hex.decode("466f7250617369")!
        #expect(
            Hex.encode(try AESKeyWrap.wrapPadded(twenty, kek: Self.kek))
                == "138bdeaa9b8fa7fc61f97742e72248ee5ae6ae5360d1ae6a5f54f373fa543b6a")
        #expect(Hex.encode(try AESKeyWrap.wrapPadded(seven, kek: Self.kek)) == "afbeb0f07dfbf5419200f2ccb50bb24f")
        #expect(
            AESKeyWrap.unwrapPadded(
                Hex.decode("138bdeaa9b8fa7fc61f97742e72248ee5ae6ae5360d1ae6a5f54f373fa543b6a")!, kek: Self.kek)
                == twenty)
        #expect(AESKeyWrap.unwrapPadded(Hex.decode("afbeb0f07dfbf5419200f2ccb50bb24f")!, kek: Self.kek) == seven)
    }

    @Test(arguments: [1, 8, 32, 1217]) func roundTripsAndRefusesTampering(_ size: Int) throws {
        let kek = SecureRandom.bytes(32)
        let data = SecureRandom.bytes(size)
        var wrapped = try AESKeyWrap.wrapPadded(data, kek: kek)
        #expect(wrapped.count == (size + 7) / 8 * 8 + 8)
        #expect(AESKeyWrap.unwrapPadded(wrapped, kek: kek) == data)
        #expect(AESKeyWrap.unwrapPadded(wrapped, kek: SecureRandom.bytes(32)) == nil)
        wrapped[wrapped.count - 1] ^= 1
        #expect(AESKeyWrap.unwrapPadded(wrapped, kek: kek) == nil)
    }
}
