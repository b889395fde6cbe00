/// A string with `*` wildcards (`Update*`, `*html*`, `123.123.*`) matched against a whole value.
struct Glob: Sendable {
    let parts: [[UInt8]]
    let text: [UInt8]
    var hasWildcard: Bool { parts.count > 1 }

    init(_ text: [UInt8]) {
        self.text = text
        parts = text.split(separator: UInt8(ascii: "*"), omittingEmptySubsequences: false).map(Array.init)
    }

    func matches(_ value: ArraySlice<UInt8>) -> Bool {
        guard hasWildcard else { return value.elementsEqual(text) }
        let first = parts[0]
        let last = parts[parts.count - 1]
        guard value.count >= first.count + last.count, value.starts(with: first),
            value.suffix(last.count).elementsEqual(last)
        else { return false }
        var cursor = value.startIndex + first.count
        let end = value.endIndex - last.count
        for part in parts.dropFirst().dropLast() where !part.isEmpty {
            guard let found = Self.find(part, in: value[cursor..<end]) else { return false }
            cursor = found + part.count
        }
        return true
    }

    static func find(_ needle: [UInt8], in haystack: ArraySlice<UInt8>) -> Int? {
        guard needle.count <= haystack.count else { return nil }
        var start = haystack.startIndex
        while start + needle.count <= haystack.endIndex {
            if haystack[start] == needle[0], haystack[start..<start + needle.count].elementsEqual(needle) {
                return start
            }
            start += 1
        }
        return nil
    }
}
