/// Collects violations of the API model's member constraints (required, length, list size, enum,
/// pattern) and words them like AWS's Coral framework:
/// `1 validation error detected: Value '…' at 'transformerConfig.1.member.…' failed to satisfy constraint: …`.
struct ConstraintChecker {
    private(set) var violations: [String] = []

    /// The combined error, or nil when every constraint holds.
    var error: TransformerConfigurationError? {
        guard !violations.isEmpty else { return nil }
        let count = violations.count
        let noun = count == 1 ? "error" : "errors"
        return TransformerConfigurationError(
            message: "\(count) validation \(noun) detected: " + violations.joined(separator: "; "))
    }

    private mutating func record(_ renderedValue: String, at path: String, _ constraint: String) {
        violations.append("\(renderedValue) at '\(path)' failed to satisfy constraint: \(constraint)")
    }

    /// A required member: reports null and returns false when it is missing.
    @discardableResult
    mutating func require<Value>(_ value: Value?, at path: String) -> Bool {
        guard value == nil else { return true }
        record("Value null", at: path, "Member must not be null")
        return false
    }

    /// A string member's length (counted in characters as the model counts UTF-16 units; identical for the
    /// ASCII names these members hold).
    mutating func checkLength(_ value: String?, at path: String, min: Int = 1, max: Int? = nil) {
        guard let value else { return }
        let length = value.utf16.count
        if length < min {
            record("Value '\(value)'", at: path, "Member must have length greater than or equal to \(min)")
        } else if let max, length > max {
            record("Value '\(value)'", at: path, "Member must have length less than or equal to \(max)")
        }
    }

    /// A list member's size; `rendered` is how the list is shown in the message.
    mutating func checkCount(_ count: Int?, rendered: @autoclosure () -> String, at path: String, min: Int, max: Int) {
        guard let count else { return }
        if count < min {
            record("Value '\(rendered())'", at: path, "Member must have length greater than or equal to \(min)")
        } else if count > max {
            record("Value '\(rendered())'", at: path, "Member must have length less than or equal to \(max)")
        }
    }

    /// A list of strings: its size and each element's length.
    mutating func checkStrings(_ list: [String]?, at path: String, count: ClosedRange<Int>, length: ClosedRange<Int>?) {
        guard let list else { return }
        checkCount(list.count, rendered: Self.render(list), at: path, min: count.lowerBound, max: count.upperBound)
        for (index, element) in list.enumerated() {
            checkLength(
                element, at: "\(path).\(index + 1).member", min: length?.lowerBound ?? 1, max: length?.upperBound)
        }
    }

    mutating func checkEnum(_ value: String?, at path: String, allowed: [String]) {
        guard let value, !allowed.contains(value) else { return }
        record(
            "Value '\(value)'", at: path,
            "Member must satisfy enum value set: [\(allowed.joined(separator: ", "))]")
    }

    mutating func checkPattern(_ value: String?, at path: String, pattern: String, matches: (String) -> Bool) {
        guard let value, !matches(value) else { return }
        record("Value '\(value)'", at: path, "Member must satisfy regular expression pattern: \(pattern)")
    }

    /// Java's `List.toString` form, which Coral prints for list values.
    static func render(_ list: [String]) -> String {
        "[" + list.joined(separator: ", ") + "]"
    }
}
