import Foundation

/// Walks a JSON object's bytes for `FieldNeeds`: wanted leaves and containers are decoded, the rest skipped.
/// The walk reads the message through a buffer pointer (no bounds checks or reference counting per byte), matches
/// a top-level key where it lies in the message, and builds a dotted path only below the top; only wanted values
/// go through `JSONTreeReader`.
struct JSONWalker {
    let message: ArraySlice<UInt8>
    let text: UnsafeBufferPointer<UInt8>
    let needs: FieldNeeds
    /// The cursor, an offset in `text`.
    var index = 0
    /// The dotted path of the value at the cursor below the top, as UTF-8 (empty at the top).
    var path: [UInt8] = []

    /// Reads the wanted fields of a message that must be one JSON object, whole; false when it is not one.
    static func walk(_ message: ArraySlice<UInt8>, needs: FieldNeeds, into fields: inout FoundFields) -> Bool {
        message.withUnsafeBufferPointer { text in
            var walker = JSONWalker(message: message, text: text, needs: needs)
            guard walker.object(into: &fields, depth: 0) else { return false }
            walker.skipSpaces()
            return walker.index == text.count
        }
    }

    private static let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")

    mutating func skipSpaces() {
        while index < text.count, Self.isSpace(text[index]) { index += 1 }
    }

    /// A member's key: where it lies in the message, or decoded when it has escapes.
    private enum Key {
        case span(Range<Int>)
        case decoded([UInt8])
    }

    /// Reads an object at the cursor (its members' paths under `path`); false when the bytes are not valid JSON.
    mutating func object(into fields: inout FoundFields, depth: Int) -> Bool {
        skipSpaces()
        guard depth < 64, index < text.count, text[index] == UInt8(ascii: "{") else { return false }
        index += 1
        skipSpaces()
        if index < text.count, text[index] == UInt8(ascii: "}") {
            index += 1
            return true
        }
        while true {
            skipSpaces()
            guard let key = readKey() else { return false }
            skipSpaces()
            guard index < text.count, text[index] == UInt8(ascii: ":") else { return false }
            index += 1
            let read: Bool
            switch key {
            case .span(let range):
                read = member(UnsafeBufferPointer(rebasing: text[range]), into: &fields, depth: depth)
            case .decoded(let bytes):
                read = bytes.withUnsafeBufferPointer { member($0, into: &fields, depth: depth) }
            }
            guard read else { return false }
            skipSpaces()
            guard index < text.count else { return false }
            index += 1
            if text[index - 1] == UInt8(ascii: "}") { return true }
            guard text[index - 1] == UInt8(ascii: ",") else { return false }
            // The first value of a name wins: once every wanted one is found, the rest is only checked.
            if fields.items.count == needs.wanted.count {
                return skipElements(closing: UInt8(ascii: "}"), depth: depth)
            }
        }
    }

    private mutating func array(into fields: inout FoundFields, depth: Int) -> Bool {
        guard depth < 64 else { return false }
        index += 1
        skipSpaces()
        if index < text.count, text[index] == UInt8(ascii: "]") {
            index += 1
            return true
        }
        var position = 0
        while true {
            let base = path.count
            path.append(UInt8(ascii: "."))
            path.append(contentsOf: String(position).utf8)
            guard valueAtPath(into: &fields, depth: depth) else { return false }
            path.removeSubrange(base...)
            position += 1
            skipSpaces()
            guard index < text.count else { return false }
            index += 1
            if text[index - 1] == UInt8(ascii: "]") { return true }
            guard text[index - 1] == UInt8(ascii: ",") else { return false }
        }
    }

    /// The value of the member named `key`. At the top the key is the whole path (a key starting with `@` gets
    /// another `@`, as AWS shows it): it is matched where it lies and copied only to go deeper.
    private mutating func member(_ key: UnsafeBufferPointer<UInt8>, into fields: inout FoundFields, depth: Int) -> Bool
    {
        let base = path.count
        if base == 0, key.first != UInt8(ascii: "@") {
            skipSpaces()
            guard index < text.count else { return false }
            let (name, leads) = needs.classify(key)
            if name == nil, leads, Self.opensContainer(text[index]) {
                path.append(contentsOf: key)
                defer { path.removeAll(keepingCapacity: true) }
                return container(into: &fields, depth: depth)
            }
            return value(name, into: &fields, depth: depth)
        }
        path.append(base == 0 ? UInt8(ascii: "@") : UInt8(ascii: "."))
        path.append(contentsOf: key)
        defer { path.removeSubrange(base...) }
        return valueAtPath(into: &fields, depth: depth)
    }

    /// The value at `path`: decoded if wanted, walked into if it leads to wanted ones, skipped otherwise.
    private mutating func valueAtPath(into fields: inout FoundFields, depth: Int) -> Bool {
        skipSpaces()
        guard index < text.count else { return false }
        let (name, leads) = path.withUnsafeBufferPointer { needs.classify($0) }
        if name == nil, leads, Self.opensContainer(text[index]) { return container(into: &fields, depth: depth) }
        return value(name, into: &fields, depth: depth)
    }

    private mutating func container(into fields: inout FoundFields, depth: Int) -> Bool {
        text[index] == UInt8(ascii: "{")
            ? object(into: &fields, depth: depth + 1) : array(into: &fields, depth: depth + 1)
    }

    /// Reads the value at the cursor into `fields` as `name`, or skips it when it is not wanted.
    private mutating func value(_ name: String?, into fields: inout FoundFields, depth: Int) -> Bool {
        guard let name else { return skipValue(depth: depth) }
        var reader = JSONTreeReader(bytes: message, index: message.startIndex + index)
        guard let value = reader.value(depth: depth + 1) else { return false }
        index = reader.index - message.startIndex
        fields.add(name, value.scalar)
        return true
    }

    private mutating func readKey() -> Key? {
        guard index < text.count, text[index] == Self.quote else { return nil }
        let start = index + 1
        var cursor = start
        while cursor < text.count, text[cursor] != Self.quote, text[cursor] != Self.backslash { cursor += 1 }
        if cursor < text.count, text[cursor] == Self.quote {
            index = cursor + 1
            return .span(start..<cursor)
        }
        var reader = JSONTreeReader(bytes: message, index: message.startIndex + index)
        guard case .string(let decoded)? = reader.value(depth: 0) else { return nil }
        index = reader.index - message.startIndex
        return .decoded(Array(decoded.utf8))
    }

    /// Skips one value without decoding it.
    private mutating func skipValue(depth: Int) -> Bool {
        guard depth < 64, index < text.count, let base = text.baseAddress else { return false }
        switch text[index] {
        case Self.quote:
            index += 1
            // To the next quote that an even number of backslashes precede (memchr finds the candidates).
            while index < text.count, let found = memchr(base + index, Int32(Self.quote), text.count - index) {
                let at = UnsafePointer<UInt8>(found.assumingMemoryBound(to: UInt8.self)) - base
                var backslashes = 0
                while at - backslashes - 1 >= index, text[at - backslashes - 1] == Self.backslash { backslashes += 1 }
                index = at + 1
                if backslashes % 2 == 0 { return true }
            }
            return false
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            let closing = text[index] == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
            index += 1
            skipSpaces()
            if index < text.count, text[index] == closing {
                index += 1
                return true
            }
            return skipElements(closing: closing, depth: depth)
        default:
            let start = index
            while index < text.count, !Self.endsValue(text[index]) { index += 1 }
            return index > start
        }
    }

    /// The rest of an object or array (after its opening or a `,`, up to `closing`): checked to be JSON, not read.
    private mutating func skipElements(closing: UInt8, depth: Int) -> Bool {
        let isObject = closing == UInt8(ascii: "}")
        while true {
            skipSpaces()
            if isObject {
                guard index < text.count, text[index] == Self.quote, skipValue(depth: depth + 1) else { return false }
                skipSpaces()
                guard index < text.count, text[index] == UInt8(ascii: ":") else { return false }
                index += 1
                skipSpaces()
            }
            guard skipValue(depth: depth + 1) else { return false }
            skipSpaces()
            guard index < text.count else { return false }
            index += 1
            if text[index - 1] == closing { return true }
            guard text[index - 1] == UInt8(ascii: ",") else { return false }
        }
    }

    private static func opensContainer(_ byte: UInt8) -> Bool { byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    /// Whether a byte ends a number, `true`, `false` or `null`.
    private static func endsValue(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x09, 0x0A, 0x0D: true
        default: false
        }
    }
}
