import CairnBytes
import Testing

@Suite("Byte sets")
struct ByteSetTests {
    /// Sets with long spans (stepped over eight bytes at a time), short ones and none.
    static let sets: [(String, @Sendable (UInt8) -> Bool)] = [
        ("every byte but line ends", { $0 != 0x0A && $0 != 0x0B && $0 != 0x0C && $0 != 0x0D }),
        ("not space", { $0 > 0x20 }),
        ("digits", { $0 >= 0x30 && $0 <= 0x39 }),
        ("letters", { ($0 | 0x20) >= 0x61 && ($0 | 0x20) <= 0x7A }),
        ("all ASCII", { _ in true }),
        ("none", { _ in false }),
        ("control bytes", { $0 < 0x20 }),
        ("odd bytes", { $0 % 2 == 1 }),
    ]

    @Test(arguments: sets.indices)
    func runEndIsTheFirstNonMember(_ index: Int) {
        let (_, predicate) = Self.sets[index]
        let set = ByteSet(predicate)
        let members = (0..<128).map(UInt8.init).filter(predicate)
        // Texts mostly of members, with non-members (bytes above 127 among them) at random places; a failure
        // prints its text.
        for _ in 0..<300 {
            let length = Int.random(in: 0..<70)
            let text: [UInt8] = (0..<length).map { _ in
                switch Int.random(in: 0..<16) {
                case 0: UInt8.random(in: 128...255)
                case 1: UInt8.random(in: 0..<128)
                default: members.randomElement() ?? UInt8.random(in: 0..<128)
                }
            }
            text.withUnsafeBufferPointer { buffer in
                for start in 0...length {
                    let expected = text[start...].firstIndex { !($0 < 128 && predicate($0)) } ?? length
                    #expect(set.runEnd(in: buffer, from: start) == expected, "text \(text) from \(start)")
                }
            }
        }
    }
}
