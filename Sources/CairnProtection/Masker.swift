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
        guard !message.isEmpty else { return [] }
        var ranges = Scanners.withBytes(message) { bytes in
            let traits = MessageTraits(bytes)
            return identifiers.flatMap { $0.matches(in: bytes, traits: traits) }
        }
        ranges += custom.flatMap { $0.matches(in: message, budget: budget) }
        guard !ranges.isEmpty else { return [] }
        ranges.sort { $0.lowerBound < $1.lowerBound }
        var merged: [Range<Int>] = [ranges[0]]
        for range in ranges.dropFirst() {
            if range.lowerBound <= merged[merged.count - 1].upperBound {
                merged[merged.count - 1] =
                    merged[merged.count - 1]
                    .lowerBound..<max(
                        merged[merged.count - 1].upperBound, range.upperBound)
            } else {
                merged.append(range)
            }
        }
        return merged
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
