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
        var generator = SplitMix(seed: UInt64(index) + 1)
        // Texts mostly of members, with non-members (bytes above 127 among them) at random places.
        for _ in 0..<300 {
            let length = Int(generator.next() % 70)
            let text: [UInt8] = (0..<length).map { _ in
                let roll = generator.next() % 16
                if roll == 0 { return UInt8(128 + generator.next() % 128) }
                if roll == 1 { return UInt8(generator.next() % 128) }
                let member = (0..<128).map(UInt8.init).filter(predicate)
                return member.isEmpty
                    ? UInt8(generator.next() % 128) : member[Int(generator.next() % UInt64(member.count))]
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

/// A small deterministic generator (SplitMix64).
private struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
