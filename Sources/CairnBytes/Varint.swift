/// Unsigned LEB128 integers (seven bits per byte, low bits first, the high bit set on every byte but the last):
/// the lengths and offsets of Cairn's stored formats.
public enum Varint {
    /// A varint that runs past the end of its bytes or past 64 bits.
    public struct Malformed: Error {}

    public static func append(_ value: UInt64, to output: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            output.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        output.append(UInt8(value))
    }

    /// Reads the varint at `index` and moves `index` past it.
    public static func read(_ bytes: [UInt8], _ index: inout Int) throws(Malformed) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            guard shift < 64 else { throw Malformed() }
            result |= UInt64(byte & 0x7f) << shift
            if byte < 0x80 { return result }
            shift += 7
        }
        throw Malformed()
    }
}
