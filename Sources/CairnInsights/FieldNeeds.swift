import CairnFilter
import Foundation

/// The event fields a query reads, so that discovery extracts only those: a JSON message is walked once, values
/// on no wanted path are skipped without being decoded, and wanted objects and arrays are kept whole (for
/// `unnest`, `jsonStringify` and `name.key`).
final class FieldNeeds: Sendable {
    /// Field names as the query writes them (`user.name`, `items.0.id`).
    let wanted: Set<String>
    /// Every proper dotted prefix of a wanted name (`user`, `items`, `items.0`): where the walk goes deeper.
    let prefixes: Set<String>
    /// The same as UTF-8, matched against paths in the bytes without making text of them (a query names few).
    private let wantedUTF8: [([UInt8], String)]
    private let prefixUTF8: [[UInt8]]
    /// The wanted names as UTF-8: text with none of them right before a `=` has no wanted pair, and is not
    /// scanned for pairs.
    private let keys: [[UInt8]]

    init(_ names: some Sequence<String>) {
        let fields = Set(names.filter { !Self.builtIn.contains($0) })
        wanted = fields
        var prefixes: Set<String> = []
        for name in fields {
            var prefix = ""
            for part in name.split(separator: ".", omittingEmptySubsequences: false).dropLast() {
                prefix = prefix.isEmpty ? String(part) : prefix + "." + part
                prefixes.insert(prefix)
            }
        }
        self.prefixes = prefixes
        wantedUTF8 = fields.map { (Array($0.utf8), $0) }
        prefixUTF8 = prefixes.map { Array($0.utf8) }
        keys = fields.map { Array($0.utf8) }
    }

    static let builtIn: Set<String> = ["@timestamp", "@message", "@logStream", "@log", "@ingestionTime", "@ptr"]

    /// The wanted name a path spells, if it is one.
    func name(_ path: ArraySlice<UInt8>) -> String? {
        for (bytes, name) in wantedUTF8 where bytes.count == path.count && bytes.elementsEqual(path) { return name }
        return nil
    }

    /// Whether a path leads to wanted names.
    func leadsToWanted(_ path: ArraySlice<UInt8>) -> Bool {
        prefixUTF8.contains { $0.count == path.count && $0.elementsEqual(path) }
    }

    /// Whether `name=` occurs in the message for a wanted name: one pass over its `=` signs (rarer than any
    /// letter a name starts with).
    private func hasAssignment(_ message: ArraySlice<UInt8>) -> Bool {
        message.withUnsafeBufferPointer { text in
            guard let base = text.baseAddress else { return false }
            var offset = 0
            while offset < text.count, let found = memchr(base + offset, Int32(UInt8(ascii: "=")), text.count - offset)
            {
                let at = UnsafePointer<UInt8>(found.assumingMemoryBound(to: UInt8.self)) - base
                for key in keys where key.count <= at && memcmp(base + at - key.count, key, key.count) == 0 {
                    return true
                }
                offset = at + 1
            }
            return false
        }
    }

    /// The wanted fields of one message, from its JSON object or its `key=value` pairs, into `fields` (empty
    /// before; a query names few fields, so a list searched in order beats hashing their names).
    func extract(_ message: ArraySlice<UInt8>, into fields: inout FoundFields) {
        guard !wanted.isEmpty else { return }
        if let first = message.first(where: { $0 != 0x20 && $0 != 0x09 }), first == UInt8(ascii: "{") {
            var walker = JSONWalker(bytes: message, index: message.startIndex, needs: self)
            // The whole message must be the object (as for full discovery): `{…} trailing text` is text.
            if walker.object(into: &fields, depth: 0) {
                walker.skipSpaces()
                if walker.index == message.endIndex { return }
            }
            fields.removeAll()
        }
        guard hasAssignment(message) else { return }
        var pairs: [(String, Value)] = []
        LogRecord.keyValuePairs(in: message, naming: { self.name($0) }, into: &pairs)
        for (key, value) in pairs { fields.add(key, value) }
    }
}

/// The fields extracted for a query: few, so kept in a list in the order found (the first of a name wins).
struct FoundFields {
    private(set) var items: [(name: String, value: Value)] = []

    mutating func add(_ name: String, _ value: Value) {
        if !items.contains(where: { $0.name == name }) { items.append((name, value)) }
    }

    subscript(_ name: String) -> Value? {
        for item in items where item.name == name { return item.value }
        return nil
    }

    mutating func removeAll() { items.removeAll(keepingCapacity: true) }
}

/// Walks a JSON object's bytes for `FieldNeeds`: wanted leaves and containers are decoded, the rest skipped.
struct JSONWalker {
    let bytes: ArraySlice<UInt8>
    var index: Int
    let needs: FieldNeeds
    /// The dotted path of the value at the cursor, as UTF-8.
    var path: [UInt8] = []

    mutating func skipSpaces() {
        while index < bytes.endIndex, Self.isSpace(bytes[index]) { index += 1 }
    }

    /// Reads an object at the cursor (its members' paths under `path`); false when the bytes are not valid JSON.
    mutating func object(into fields: inout FoundFields, depth: Int) -> Bool {
        skipSpaces()
        guard depth < 64, index < bytes.endIndex, bytes[index] == UInt8(ascii: "{") else { return false }
        index += 1
        skipSpaces()
        if index < bytes.endIndex, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return true
        }
        while true {
            skipSpaces()
            let base = path.count
            guard enterKey() else { return false }
            skipSpaces()
            guard index < bytes.endIndex, bytes[index] == UInt8(ascii: ":") else { return false }
            index += 1
            guard member(into: &fields, depth: depth) else { return false }
            path.removeSubrange(base...)
            skipSpaces()
            guard index < bytes.endIndex else { return false }
            index += 1
            if bytes[index - 1] == UInt8(ascii: "}") { return true }
            guard bytes[index - 1] == UInt8(ascii: ",") else { return false }
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
        if index < bytes.endIndex, bytes[index] == UInt8(ascii: "]") {
            index += 1
            return true
        }
        var position = 0
        while true {
            let base = path.count
            path.append(UInt8(ascii: "."))
            path.append(contentsOf: String(position).utf8)
            guard member(into: &fields, depth: depth) else { return false }
            path.removeSubrange(base...)
            position += 1
            skipSpaces()
            guard index < bytes.endIndex else { return false }
            index += 1
            if bytes[index - 1] == UInt8(ascii: "]") { return true }
            guard bytes[index - 1] == UInt8(ascii: ",") else { return false }
        }
    }

    /// The value at `path`: decoded if wanted, walked into if it leads to wanted ones, skipped otherwise.
    private mutating func member(into fields: inout FoundFields, depth: Int) -> Bool {
        skipSpaces()
        guard index < bytes.endIndex else { return false }
        if let name = needs.name(path[...]) {
            var reader = JSONTreeReader(bytes: bytes, index: index)
            guard let value = reader.value(depth: depth + 1) else { return false }
            index = reader.index
            fields.add(name, value.scalar)
            return true
        }
        if needs.leadsToWanted(path[...]) {
            switch bytes[index] {
            case UInt8(ascii: "{"): return object(into: &fields, depth: depth + 1)
            case UInt8(ascii: "["): return array(into: &fields, depth: depth + 1)
            default: break
            }
        }
        return skipValue(depth: depth)
    }

    /// Reads a member's key and appends it to the path (`.key`; at the top, a key starting with `@` gets another
    /// `@`, as AWS shows it). Keys with escapes are decoded first.
    private mutating func enterKey() -> Bool {
        guard index < bytes.endIndex, bytes[index] == UInt8(ascii: "\"") else { return false }
        if !path.isEmpty { path.append(UInt8(ascii: ".")) }
        let start = index + 1
        var cursor = start
        while cursor < bytes.endIndex, bytes[cursor] != UInt8(ascii: "\""), bytes[cursor] != UInt8(ascii: "\\") {
            cursor += 1
        }
        if path.isEmpty, start < cursor, bytes[start] == UInt8(ascii: "@") { path.append(UInt8(ascii: "@")) }
        if cursor < bytes.endIndex, bytes[cursor] == UInt8(ascii: "\"") {
            path.append(contentsOf: bytes[start..<cursor])
            index = cursor + 1
            return true
        }
        var reader = JSONTreeReader(bytes: bytes, index: index)
        guard case .string(let text)? = reader.value(depth: 0) else { return false }
        index = reader.index
        path.append(contentsOf: text.utf8)
        return true
    }

    /// Skips one value without decoding it.
    private mutating func skipValue(depth: Int) -> Bool {
        guard depth < 64, index < bytes.endIndex else { return false }
        switch bytes[index] {
        case UInt8(ascii: "\""):
            index += 1
            while index < bytes.endIndex {
                let byte = bytes[index]
                index += 1
                if byte == UInt8(ascii: "\\") {
                    index += 1
                } else if byte == UInt8(ascii: "\"") {
                    return true
                }
            }
            return false
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            let closing = bytes[index] == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
            index += 1
            skipSpaces()
            if index < bytes.endIndex, bytes[index] == closing {
                index += 1
                return true
            }
            return skipElements(closing: closing, depth: depth)
        default:
            let start = index
            while index < bytes.endIndex, !Self.endsValue(bytes[index]) { index += 1 }
            return index > start
        }
    }

    /// The rest of an object or array (after its opening or a `,`, up to `closing`): checked to be JSON, not read.
    private mutating func skipElements(closing: UInt8, depth: Int) -> Bool {
        let isObject = closing == UInt8(ascii: "}")
        while true {
            skipSpaces()
            if isObject {
                guard index < bytes.endIndex, bytes[index] == UInt8(ascii: "\""), skipValue(depth: depth + 1)
                else { return false }
                skipSpaces()
                guard index < bytes.endIndex, bytes[index] == UInt8(ascii: ":") else { return false }
                index += 1
                skipSpaces()
            }
            guard skipValue(depth: depth + 1) else { return false }
            skipSpaces()
            guard index < bytes.endIndex else { return false }
            index += 1
            if bytes[index - 1] == closing { return true }
            guard bytes[index - 1] == UInt8(ascii: ",") else { return false }
        }
    }

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
