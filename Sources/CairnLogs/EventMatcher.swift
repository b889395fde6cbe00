import CairnProtocol

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Decides which events a filter keeps. The full filter-pattern language plugs in here later;
/// `TermsPattern` is the unstructured subset: terms and quoted phrases that must all appear.
protocol EventMatcher: Sendable {
    func matches(_ message: ArraySlice<UInt8>) -> Bool
}

struct MatchEverything: EventMatcher {
    func matches(_ message: ArraySlice<UInt8>) -> Bool { true }
}

/// `ERROR "connection reset" 503`: every term or phrase must appear in the message (case-sensitive).
struct TermsPattern: EventMatcher {
    let terms: [[UInt8]]

    static func parse(_ pattern: String) throws(AWSError) -> any EventMatcher {
        let trimmed = pattern.trimmingPrefix(while: \.isWhitespace)
        // JSON ({...}) and space-delimited ([...]) patterns, ?any, -exclude and %regex% need the full
        // language; until it lands they are refused rather than misread as plain terms.
        if trimmed.hasPrefix("{") || trimmed.hasPrefix("[") || pattern.contains("%")
            || pattern.split(whereSeparator: \.isWhitespace).contains(where: { $0.hasPrefix("?") || $0.hasPrefix("-") })
        {
            throw .invalidParameter("Invalid filter pattern: only terms and quoted phrases are supported yet")
        }
        var terms: [[UInt8]] = []
        var scalars = Array(pattern.unicodeScalars)[...]
        while let first = scalars.first {
            if first.properties.isWhitespace {
                scalars.removeFirst()
                continue
            }
            var term = ""
            if first == "\"" {
                scalars.removeFirst()
                var closed = false
                while let scalar = scalars.popFirst() {
                    if scalar == "\\", let escaped = scalars.popFirst() {
                        term.unicodeScalars.append(escaped)
                    } else if scalar == "\"" {
                        closed = true
                        break
                    } else {
                        term.unicodeScalars.append(scalar)
                    }
                }
                guard closed else { throw .invalidParameter("Invalid filter pattern") }
            } else {
                while let scalar = scalars.first, !scalar.properties.isWhitespace {
                    term.unicodeScalars.append(scalar)
                    scalars.removeFirst()
                }
            }
            if !term.isEmpty { terms.append(Array(term.utf8)) }
        }
        return terms.isEmpty ? MatchEverything() : TermsPattern(terms: terms)
    }

    func matches(_ message: ArraySlice<UInt8>) -> Bool {
        terms.allSatisfy { Self.contains(message, $0) }
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
