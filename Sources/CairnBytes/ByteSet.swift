/// A set of ASCII bytes as two 64-bit maps: membership is a shift and a mask, with no branch on the class. Bytes
/// of 128 and above are never members. Inlinable: the scanners and grok's byte matcher test every byte of a log
/// event with it.
public struct ByteSet: Sendable {
    @usableFromInline let low: UInt64
    @usableFromInline let high: UInt64

    public init(_ predicate: (UInt8) -> Bool) {
        var low: UInt64 = 0
        var high: UInt64 = 0
        for byte in UInt8(0)..<128 where predicate(byte) {
            if byte < 64 { low |= 1 << UInt64(byte) } else { high |= 1 << UInt64(byte - 64) }
        }
        self.low = low
        self.high = high
    }

    @inlinable @inline(__always)
    public func contains(_ byte: UInt8) -> Bool {
        byte < 128 && ((byte < 64 ? low : high) >> UInt64(byte & 63)) & 1 != 0
    }

    /// Where the run of members of `text` starting at `start` ends (the maps are held in registers for the loop).
    @inlinable
    public func runEnd(in text: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        let (low, high) = (self.low, self.high)
        var end = start
        while end < text.count {
            let byte = text[end]
            guard byte < 128, ((byte < 64 ? low : high) >> UInt64(byte & 63)) & 1 != 0 else { break }
            end += 1
        }
        return end
    }
}
