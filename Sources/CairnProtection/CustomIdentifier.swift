import Foundation

/// A custom data identifier of a policy's `Configuration.CustomDataIdentifier`: a name the statements refer to and
/// a regular expression in AWS's restricted syntax (letters, digits, `_ # = @ / ; , -`, space and the operators
/// `^ $ ? [ ] { } | \ * + .`; no groups), compiled once. Searches run under the request's `SearchBudget`.
public struct CustomIdentifier: Sendable, Equatable {
    public let name: String
    public let pattern: String
    let expression: NSRegularExpression

    static let maximumCount = 10
    static let maximumNameLength = 128
    static let maximumPatternLength = 200
    static let patternCharacters = Set(
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_#=@/;,- ^$?[]{}|\\*+.")

    init(name: String, pattern: String) throws(DataProtectionPolicy.Invalid) {
        guard !name.isEmpty, name.count <= Self.maximumNameLength,
            name.unicodeScalars.allSatisfy({
                $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "_")
            })
        else {
            throw DataProtectionPolicy.Invalid(
                description: "The custom data identifier name '\(name)' must be 1 to 128 letters, digits, - or _.")
        }
        guard ManagedIdentifier(rawValue: name) == nil else {
            throw DataProtectionPolicy.Invalid(
                description: "The custom data identifier name '\(name)' is the name of a managed data identifier.")
        }
        guard !pattern.isEmpty, pattern.count <= Self.maximumPatternLength,
            pattern.allSatisfy(Self.patternCharacters.contains)
        else {
            throw DataProtectionPolicy.Invalid(
                description: "The regular expression of custom data identifier '\(name)' must be 1 to 200 "
                    + "characters of letters, digits, _ # = @ / ; , - space and ^ $ ? [ ] { } | \\ * + .")
        }
        do {
            expression = try NSRegularExpression(pattern: pattern)
        } catch {
            throw DataProtectionPolicy.Invalid(
                description: "The regular expression of custom data identifier '\(name)' is not valid.")
        }
        self.name = name
        self.pattern = pattern
    }

    public static func == (lhs: CustomIdentifier, rhs: CustomIdentifier) -> Bool {
        lhs.name == rhs.name && lhs.pattern == rhs.pattern
    }

    /// The byte ranges (in the slice's indices) the expression matches. When the search runs out of its budget,
    /// or the bytes are not UTF-8 (requests' messages always are), the whole message is one match: what could not
    /// be searched is masked, never left in clear.
    func matches(in message: ArraySlice<UInt8>, budget: SearchBudget) -> [Range<Int>] {
        guard let text = String(validating: message, as: UTF8.self) else { return [message.indices] }
        guard let found = budget.ranges(of: expression, in: text) else { return [message.indices] }
        guard !found.isEmpty else { return [] }
        // UTF-16 offsets to UTF-8 offsets.
        return found.compactMap { range in
            guard let bounds = Range(range, in: text) else { return nil }
            let start = text.utf8.distance(from: text.startIndex, to: bounds.lowerBound)
            let end = text.utf8.distance(from: text.startIndex, to: bounds.upperBound)
            return (message.startIndex + start)..<(message.startIndex + end)
        }
    }
}
