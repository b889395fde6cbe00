/// Tests over eight bytes at once (a word loaded unaligned), for the loops that read every byte of an event: each
/// is exact about whether such a byte is among the eight (a borrow or carry can only follow a byte that is).
public enum ByteWord {
    @usableFromInline static let ones: UInt64 = 0x0101_0101_0101_0101
    @usableFromInline static let highBits: UInt64 = 0x8080_8080_8080_8080

    /// The eight bytes at `base + index`.
    @inlinable @inline(__always)
    public static func load(_ base: UnsafePointer<UInt8>, at index: Int) -> UInt64 {
        UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
    }

    /// Whether one of the bytes is `target`.
    @inlinable @inline(__always)
    public static func contains(_ target: UInt8, in word: UInt64) -> Bool {
        let matches = word ^ (ones &* UInt64(target))
        return (matches &- ones) & ~matches & highBits != 0
    }

    /// Whether one of the bytes is below `bound` (at most 128; bytes of 128 and above are not reported).
    @inlinable @inline(__always)
    public static func containsByte(below bound: UInt8, in word: UInt64) -> Bool {
        (word &- ones &* UInt64(bound)) & ~word & highBits != 0
    }

    /// Whether one of the bytes is above `bound` (at most 127; bytes of 128 and above always are).
    @inlinable @inline(__always)
    public static func containsByte(above bound: UInt8, in word: UInt64) -> Bool {
        ((word &+ ones &* UInt64(127 - bound)) | word) & highBits != 0
    }
}
