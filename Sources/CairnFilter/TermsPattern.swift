#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Unstructured text: `ERROR "connection reset" -DEBUG ?WARN ?FATAL %[45]\d\d%`.
/// Plain terms and phrases must all appear, `-` terms must not, and at least one `?` term must when
/// there are any. Matching is case-sensitive. Unquoted terms hold letters, digits and `_`; anything
/// else must be quoted, as in CloudWatch Logs.
struct TermsPattern: Sendable {
    enum Term: Sendable {
        case text([UInt8])
        case regex(RegexPattern)
        /// `" "`: the documented way to match every event.
        case everything

        func appears(in message: ArraySlice<UInt8>) -> Bool {
            switch self {
            case .text(let bytes): TermsPattern.contains(message, bytes)
            case .regex(let regex): regex.matches(message)
            case .everything: true
            }
        }
    }

    var required: [Term] = []
    var excluded: [Term] = []
    var optional: [Term] = []

    init(_ cursor: inout PatternCursor, regexCount: inout Int) throws(FilterPatternError) {
        while true {
            cursor.skipSpaces()
            guard let first = cursor.current else { break }
            var kind = 0  // 0 required, 1 excluded, 2 optional
            if first == UInt8(ascii: "-") || first == UInt8(ascii: "?") {
                kind = first == UInt8(ascii: "-") ? 1 : 2
                cursor.index += 1
            }
            let term: Term
            switch cursor.current {
            case UInt8(ascii: "\"")?:
                let phrase = try cursor.readQuoted()
                term = phrase.allSatisfy(PatternCursor.isSpace) ? .everything : .text(phrase)
            case UInt8(ascii: "%")?:
                regexCount += 1
                guard regexCount <= FilterPatternLimits.maximumRegexCount else { throw .invalid }
                term = .regex(try cursor.readRegex())
            default:
                let word = cursor.readBare(stoppingAt: [])
                guard !word.isEmpty else { throw .invalid }
                if let bad = word.firstIndex(where: {
                    !(RegexPattern.isAlphanumeric($0) || $0 == UInt8(ascii: "_") || $0 >= 0x80)
                }) {
                    throw .invalidCharacters(
                        word[bad...].prefix { !RegexPattern.isAlphanumeric($0) && $0 != UInt8(ascii: "_") })
                }
                term = .text(Array(word))
            }
            switch kind {
            case 1: excluded.append(term)
            case 2: optional.append(term)
            default: required.append(term)
            }
        }
    }

    func matches(_ message: ArraySlice<UInt8>) -> Bool {
        required.allSatisfy { $0.appears(in: message) }
            && !excluded.contains { $0.appears(in: message) }
            && (optional.isEmpty || optional.contains { $0.appears(in: message) })
    }

    /// Substring search: libc's memchr (vectorised) finds candidates for the first byte, memcmp confirms.
    static func contains(_ haystack: ArraySlice<UInt8>, _ needle: [UInt8]) -> Bool {
        guard let first = needle.first else { return true }
        guard haystack.count >= needle.count else { return false }
        return haystack.withUnsafeBufferPointer { text in
            needle.withUnsafeBufferPointer { pattern in
                guard var cursor = text.baseAddress, let patternStart = pattern.baseAddress else { return false }
                var remaining = text.count
                while remaining >= pattern.count {
                    guard let found = memchr(cursor, Int32(first), remaining - pattern.count + 1) else { return false }
                    let candidate = UnsafePointer(found.assumingMemoryBound(to: UInt8.self))
                    if memcmp(candidate, patternStart, pattern.count) == 0 { return true }
                    let skipped = candidate - cursor + 1
                    cursor += skipped
                    remaining -= skipped
                }
                return false
            }
        }
    }
}
