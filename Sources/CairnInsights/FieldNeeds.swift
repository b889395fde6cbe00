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

    /// Whether the query reads `unmask(@message)`.
    let readsUnmasked: Bool

    init(_ names: some Sequence<String>) {
        let names = Array(names)
        readsUnmasked = names.contains(LogRecord.unmaskedMessageField)
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

    static let builtIn: Set<String> = [
        "@timestamp", "@message", "@logStream", "@log", "@ingestionTime", "@ptr", "@transformationError",
        LogRecord.unmaskedMessageField,
    ]

    /// The wanted name a path spells, if it is one.
    func name(_ path: ArraySlice<UInt8>) -> String? {
        for (bytes, name) in wantedUTF8 where bytes.count == path.count && bytes.elementsEqual(path) { return name }
        return nil
    }

    /// The wanted name a path spells (then it is read whole), else whether it leads to wanted names.
    func classify(_ path: UnsafeBufferPointer<UInt8>) -> (name: String?, leads: Bool) {
        for (bytes, name) in wantedUTF8 where Self.same(bytes, path) { return (name, false) }
        return (nil, prefixUTF8.contains { Self.same($0, path) })
    }

    private static func same(_ bytes: [UInt8], _ path: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count == path.count else { return false }
        guard let base = path.baseAddress, !bytes.isEmpty else { return true }
        return memcmp(bytes, base, bytes.count) == 0
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
            // The whole message must be the object (as for full discovery): `{…} trailing text` is text.
            if JSONWalker.walk(message, needs: self, into: &fields) { return }
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
