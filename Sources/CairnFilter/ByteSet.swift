/// A set of bytes as a 256-bit mask: one regex atom (a literal, `.`, `[a-z]`, `\d`).
struct ByteSet: Sendable, Equatable {
    private var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    static func == (lhs: ByteSet, rhs: ByteSet) -> Bool {
        lhs.words.0 == rhs.words.0 && lhs.words.1 == rhs.words.1 && lhs.words.2 == rhs.words.2
            && lhs.words.3 == rhs.words.3
    }

    init() {}

    init(_ byte: UInt8) { insert(byte) }

    static var all: ByteSet {
        var set = ByteSet()
        set.words = (.max, .max, .max, .max)
        return set
    }

    static let digits = ByteSet(range: UInt8(ascii: "0")...UInt8(ascii: "9"))
    static let space: ByteSet = {
        var set = ByteSet()
        for byte in [9, 10, 11, 12, 13, 32] as [UInt8] { set.insert(byte) }
        return set
    }()
    static let word: ByteSet = {
        var set = ByteSet(range: UInt8(ascii: "a")...UInt8(ascii: "z"))
        set.formUnion(ByteSet(range: UInt8(ascii: "A")...UInt8(ascii: "Z")))
        set.formUnion(.digits)
        set.insert(UInt8(ascii: "_"))
        return set
    }()

    init(range: ClosedRange<UInt8>) {
        for byte in range { insert(byte) }
    }

    mutating func insert(_ byte: UInt8) {
        let bit = UInt64(1) << UInt64(byte & 63)
        switch byte >> 6 {
        case 0: words.0 |= bit
        case 1: words.1 |= bit
        case 2: words.2 |= bit
        default: words.3 |= bit
        }
    }

    mutating func formUnion(_ other: ByteSet) {
        words.0 |= other.words.0
        words.1 |= other.words.1
        words.2 |= other.words.2
        words.3 |= other.words.3
    }

    var inverted: ByteSet {
        var set = ByteSet()
        set.words = (~words.0, ~words.1, ~words.2, ~words.3)
        return set
    }

    @inline(__always)
    func contains(_ byte: UInt8) -> Bool {
        let bit = UInt64(1) << UInt64(byte & 63)
        switch byte >> 6 {
        case 0: return words.0 & bit != 0
        case 1: return words.1 & bit != 0
        case 2: return words.2 & bit != 0
        default: return words.3 & bit != 0
        }
    }
}
