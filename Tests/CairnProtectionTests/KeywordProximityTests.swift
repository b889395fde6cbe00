import Testing

@testable import CairnProtection

/// `Scanners.near` looks up the nearest keyword on each side of a candidate in sorted positions; it must keep
/// exactly the candidates that some keyword ends at most 30 characters before or starts at most 30 after.
@Suite("Keyword proximity")
struct KeywordProximityTests {
    @Test("on random messages, the sorted lookup keeps what comparing every pair keeps")
    func sortedLookupKeepsWhatEveryPairKeeps() {
        let pieces = [
            "cvv ", "card ", "CVV2:", "123", "1234", " ", "x", String(repeating: " ", count: 12), "-", "cvc",
            String(repeating: " ", count: 31),
        ]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(state >> 33)
        }
        var kept = 0
        var dropped = 0
        for _ in 0..<4000 {
            let message = ArraySlice((0..<(next() % 16)).flatMap { _ in Array(pieces[next() % pieces.count].utf8) })
            Scanners.withBytes(message) { bytes in
                let candidates = Scanners.digitRuns(bytes, lengths: 3...4)
                let found = Scanners.near(Keywords.securityCode, in: bytes, candidates)
                let expected = candidates.filter { candidate in
                    Self.spots(of: Keywords.securityCode, in: Array(message)).contains { spot in
                        (spot.upperBound <= candidate.lowerBound && candidate.lowerBound - spot.upperBound <= 30)
                            || (spot.lowerBound >= candidate.upperBound && spot.lowerBound - candidate.upperBound <= 30)
                    }
                }
                #expect(found == expected, "\(String(decoding: message, as: UTF8.self))")
                kept += found.count
                dropped += candidates.count - found.count
            }
        }
        // Both outcomes occur often enough for the comparison to mean something.
        #expect(kept > 300 && dropped > 300, "kept \(kept), dropped \(dropped)")
    }

    /// A million-byte message of keywords followed by far-away candidates: every pair was compared before (about
    /// 10^10 comparisons, a quarter of a minute); now each candidate costs two binary searches.
    @Test func manyKeywordsAndManyCandidatesFarApart() {
        let message = ArraySlice(
            Array(String(repeating: "cvv ", count: 100_000).utf8) + Array(repeating: UInt8(ascii: " "), count: 40)
                + Array(String(repeating: "123 ", count: 100_000).utf8))
        Scanners.withBytes(message) { bytes in
            let candidates = Scanners.digitRuns(bytes, lengths: 3...4)
            #expect(candidates.count == 100_000)
            #expect(Scanners.near(Keywords.securityCode, in: bytes, candidates).isEmpty)
        }
    }

    /// Where each keyword occurs (case-insensitive, not inside a word on its left), in the message's indices.
    static func spots(of keywords: [[UInt8]], in message: [UInt8]) -> [Range<Int>] {
        let lower = message.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
        var spots: [Range<Int>] = []
        for keyword in keywords where keyword.count <= lower.count {
            for position in 0...(lower.count - keyword.count)
            where lower[position..<(position + keyword.count)].elementsEqual(keyword)
                && (position == 0 || !Scanners.isLetter(lower[position - 1]))
            {
                spots.append(position..<(position + keyword.count))
            }
        }
        return spots
    }
}
