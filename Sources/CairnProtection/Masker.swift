/// Masks what a policy's identifiers detect: each byte of a match becomes `*` (AWS: "replaced by asterisks";
/// matches are ASCII, so the message keeps its length in characters and bytes).
public struct Masker: Sendable {
    public let identifiers: [ManagedIdentifier]
    public let custom: [CustomIdentifier]

    public init(_ identifiers: [ManagedIdentifier], custom: [CustomIdentifier] = []) {
        self.identifiers = identifiers
        self.custom = custom
    }

    /// The ranges to mask in `message` (in its indices), merged and in order. `budget` bounds the custom
    /// identifiers' searches; one request's messages share one.
    public func matches(in message: ArraySlice<UInt8>, budget: SearchBudget = SearchBudget()) -> [Range<Int>] {
        Self.merged(findings(in: message, budget: budget).flatMap(\.ranges))
    }

    /// Ranges sorted, overlapping or touching ones joined.
    public static func merged(_ ranges: [Range<Int>]) -> [Range<Int>] {
        guard !ranges.isEmpty else { return [] }
        let ranges = ranges.sorted { $0.lowerBound < $1.lowerBound }
        var merged: [Range<Int>] = [ranges[0]]
        for range in ranges.dropFirst() {
            if range.lowerBound <= merged[merged.count - 1].upperBound {
                merged[merged.count - 1] =
                    merged[merged.count - 1].lowerBound..<max(merged[merged.count - 1].upperBound, range.upperBound)
            } else {
                merged.append(range)
            }
        }
        return merged
    }

    /// What one identifier found in a message: its name (a managed identifier's AWS name, a custom identifier's
    /// own) and the ranges, in the message's indices, in the order found.
    public struct Finding: Sendable, Equatable {
        public let name: String
        public let ranges: [Range<Int>]
    }

    /// Each identifier's matches in `message`, for identifiers that found something (an audit findings report).
    public func findings(in message: ArraySlice<UInt8>, budget: SearchBudget = SearchBudget()) -> [Finding] {
        guard !message.isEmpty else { return [] }
        var found: [Finding] = []
        Scanners.withBytes(message) { bytes in
            let traits = MessageTraits(bytes)
            for identifier in identifiers {
                let ranges = identifier.matches(in: bytes, traits: traits)
                if !ranges.isEmpty { found.append(Finding(name: identifier.rawValue, ranges: ranges)) }
            }
        }
        for identifier in custom {
            let ranges = identifier.matches(in: message, budget: budget)
            if !ranges.isEmpty { found.append(Finding(name: identifier.name, ranges: ranges)) }
        }
        return found
    }

    /// Masks `bytes[range]` in place; returns whether anything was masked.
    @discardableResult
    public func mask(_ bytes: inout [UInt8], in range: Range<Int>, budget: SearchBudget = SearchBudget()) -> Bool {
        let found = matches(in: bytes[range], budget: budget)
        Self.apply(found, to: &bytes)
        return !found.isEmpty
    }

    /// Replaces each byte of the matches with `*`.
    public static func apply(_ matches: [Range<Int>], to bytes: inout [UInt8]) {
        for match in matches {
            for index in match { bytes[index] = 0x2A }
        }
    }
}
