/// The event fields a query reads, so that discovery extracts only those: a JSON message is walked once, values
/// on no wanted path are skipped without being decoded, and wanted objects and arrays are kept whole (for
/// `unnest`, `jsonStringify` and `name.key`).
struct FieldNeeds: Sendable {
    /// Field names as the query writes them (`user.name`, `items.0.id`).
    let wanted: Set<String>
    /// Every proper dotted prefix of a wanted name (`user`, `items`, `items.0`): where the walk goes deeper.
    let prefixes: Set<String>

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
    }

    static let builtIn: Set<String> = ["@timestamp", "@message", "@logStream", "@log", "@ingestionTime", "@ptr"]

    /// The wanted fields of one message: from its JSON object, or its `key=value` pairs.
    func extract(_ message: ArraySlice<UInt8>) -> [String: Value] {
        guard !wanted.isEmpty else { return [:] }
        var fields: [String: Value] = [:]
        if let first = message.first(where: { $0 != 0x20 && $0 != 0x09 }), first == UInt8(ascii: "{") {
            var walker = JSONWalker(bytes: message, index: message.startIndex, needs: self)
            // The whole message must be the object (as for full discovery): `{…} trailing text` is text.
            if walker.object(path: "", into: &fields, depth: 0) {
                walker.skipSpaces()
                if walker.index == message.endIndex { return fields }
            }
            fields = [:]
        }
        var pairs: [(String, Value)] = []
        LogRecord.keyValuePairs(in: message, into: &pairs)
        for (key, value) in pairs where wanted.contains(key) && fields[key] == nil { fields[key] = value }
        return fields
    }
}

/// Walks a JSON object's bytes for `FieldNeeds`: wanted leaves and containers are decoded, the rest skipped.
struct JSONWalker {
    let bytes: ArraySlice<UInt8>
    var index: Int
    let needs: FieldNeeds

    mutating func skipSpaces() {
        while index < bytes.endIndex, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
    }

    /// Reads an object at the cursor; false when the bytes are not valid JSON there.
    mutating func object(path: String, into fields: inout [String: Value], depth: Int) -> Bool {
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
            guard let key = string() else { return false }
            skipSpaces()
            guard index < bytes.endIndex, bytes[index] == UInt8(ascii: ":") else { return false }
            index += 1
            // AWS shows a top-level key starting with `@` with another `@`.
            let name = path.isEmpty ? (key.hasPrefix("@") ? "@" + key : key) : path + "." + key
            guard member(name, into: &fields, depth: depth) else { return false }
            skipSpaces()
            guard index < bytes.endIndex else { return false }
            index += 1
            if bytes[index - 1] == UInt8(ascii: "}") { return true }
            guard bytes[index - 1] == UInt8(ascii: ",") else { return false }
        }
    }

    private mutating func array(path: String, into fields: inout [String: Value], depth: Int) -> Bool {
        guard depth < 64 else { return false }
        index += 1
        skipSpaces()
        if index < bytes.endIndex, bytes[index] == UInt8(ascii: "]") {
            index += 1
            return true
        }
        var position = 0
        while true {
            guard member(path + "." + String(position), into: &fields, depth: depth) else { return false }
            position += 1
            skipSpaces()
            guard index < bytes.endIndex else { return false }
            index += 1
            if bytes[index - 1] == UInt8(ascii: "]") { return true }
            guard bytes[index - 1] == UInt8(ascii: ",") else { return false }
        }
    }

    /// The value at `name`: decoded if wanted, walked into if it leads to wanted ones, skipped otherwise.
    private mutating func member(_ name: String, into fields: inout [String: Value], depth: Int) -> Bool {
        skipSpaces()
        guard index < bytes.endIndex else { return false }
        if needs.wanted.contains(name) {
            var reader = JSONTreeReader(bytes: bytes, index: index)
            guard let value = reader.value(depth: depth + 1) else { return false }
            index = reader.index
            if fields[name] == nil { fields[name] = value.scalar }
            return true
        }
        if needs.prefixes.contains(name) {
            switch bytes[index] {
            case UInt8(ascii: "{"): return object(path: name, into: &fields, depth: depth + 1)
            case UInt8(ascii: "["): return array(path: name, into: &fields, depth: depth + 1)
            default: break
            }
        }
        return skipValue(depth: depth)
    }

    private mutating func string() -> String? {
        guard index < bytes.endIndex, bytes[index] == UInt8(ascii: "\"") else { return nil }
        let start = index + 1
        var cursor = start
        while cursor < bytes.endIndex, bytes[cursor] != UInt8(ascii: "\""), bytes[cursor] != UInt8(ascii: "\\") {
            cursor += 1
        }
        if cursor < bytes.endIndex, bytes[cursor] == UInt8(ascii: "\"") {
            index = cursor + 1
            return String(decoding: bytes[start..<cursor], as: UTF8.self)
        }
        // Escapes: the tree reader decodes them.
        var reader = JSONTreeReader(bytes: bytes, index: index)
        guard case .string(let text)? = reader.value(depth: 0) else { return nil }
        index = reader.index
        return text
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
            let isObject = closing == UInt8(ascii: "}")
            index += 1
            skipSpaces()
            if index < bytes.endIndex, bytes[index] == closing {
                index += 1
                return true
            }
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
        default:
            let start = index
            while index < bytes.endIndex, !Self.valueEnds.contains(bytes[index]) { index += 1 }
            return index > start
        }
    }

    private static let valueEnds = Set(",}] \t\r\n".utf8)
}
