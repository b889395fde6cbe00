/// A set of ASCII bytes as two 64-bit maps: membership is a shift and a mask, with no branch on the class. Bytes
/// of 128 and above are never members. Inlinable: the scanners and grok's byte matcher test every byte of a log
/// event with it.
public struct ByteSet: Sendable {
    @usableFromInline let low: UInt64
    @usableFromInline let high: UInt64
    /// The longest range of consecutive members, when it is eight bytes or more: `runEnd` steps over eight bytes at
    /// once where all of them lie in it.
    @usableFromInline let span: ClosedRange<UInt8>?

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
        span = (best?.count ?? 0) >= 8 ? best : nil
    }

    @inlinable @inline(__always)
    public func contains(_ byte: UInt8) -> Bool {
        byte < 128 && ((byte < 64 ? low : high) >> UInt64(byte & 63)) & 1 != 0
    }

    /// Where the run of members of `text` starting at `start` ends (the maps are held in registers for the loop).
    /// Words of eight bytes inside the longest span of members are skipped at once: none of their bytes is below
    /// the span's first or above its last.
    @inlinable
    public func runEnd(in text: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        let (low, high) = (self.low, self.high)
        var end = start
        if let span, let base = text.baseAddress {
            while end + 8 <= text.count {
                let word = ByteWord.load(base, at: end)
                if ByteWord.containsByte(below: span.lowerBound, in: word)
                    || ByteWord.containsByte(above: span.upperBound, in: word)
                {
                    break
                }
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
