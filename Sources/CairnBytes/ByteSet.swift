/// A set of ASCII bytes as two 64-bit maps: membership is a shift and a mask, with no branch on the class. Bytes
/// of 128 and above are never members. Inlinable: the scanners and grok's byte matcher test every byte of a log
/// event with it.
public struct ByteSet: Sendable {
    @usableFromInline let low: UInt64
    @usableFromInline let high: UInt64
    /// The longest range of consecutive members (`first...last`), as the constants of two word-at-a-time tests:
    /// `runEnd` steps over eight bytes at once where all of them lie in it.
    @usableFromInline let spanFirst: UInt64
    @usableFromInline let spanPastLast: UInt64
    @usableFromInline let hasSpan: Bool

    public init(_ predicate: (UInt8) -> Bool) {
        var low: UInt64 = 0
        var high: UInt64 = 0
        var best: ClosedRange<UInt8>? = nil
        var runStart: UInt8? = nil
        for byte in UInt8(0)..<128 {
            guard predicate(byte) else {
                runStart = nil
                continue
            }
            if byte < 64 { low |= 1 << UInt64(byte) } else { high |= 1 << UInt64(byte - 64) }
            let start = runStart ?? byte
            runStart = start
            if best.map({ $0.count < Int(byte - start) + 1 }) ?? true { best = start...byte }
        }
        self.low = low
        self.high = high
        let ones: UInt64 = 0x0101_0101_0101_0101
        hasSpan = (best?.count ?? 0) >= 8
        spanFirst = ones &* UInt64(best?.lowerBound ?? 0)
        spanPastLast = ones &* UInt64(127 - (best?.upperBound ?? 127))
    }

    @inlinable @inline(__always)
    public func contains(_ byte: UInt8) -> Bool {
        byte < 128 && ((byte < 64 ? low : high) >> UInt64(byte & 63)) & 1 != 0
    }

    /// Where the run of members of `text` starting at `start` ends (the maps are held in registers for the loop).
    /// Words of eight bytes inside the longest span of members are skipped at once: none of their bytes is below
    /// the span's first (the "has a byte less than n" test) or above its last ("has a byte more than n"); both
    /// tests are exact about whether such a byte exists.
    @inlinable
    public func runEnd(in text: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        let (low, high) = (self.low, self.high)
        var end = start
        if hasSpan, let base = text.baseAddress {
            let highBits: UInt64 = 0x8080_8080_8080_8080
            let (first, pastLast) = (spanFirst, spanPastLast)
            while end + 8 <= text.count {
                let word = UnsafeRawPointer(base + end).loadUnaligned(as: UInt64.self)
                let below = (word &- first) & ~word
                let above = (word &+ pastLast) | word
                if (below | above) & highBits != 0 { break }
                end += 8
            }
        }
        while end < text.count {
            let byte = text[end]
            guard byte < 128, ((byte < 64 ? low : high) >> UInt64(byte & 63)) & 1 != 0 else { break }
            end += 1
        }
        return end
    }
}
