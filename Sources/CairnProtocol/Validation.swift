/// Collects constraint violations and renders them the way AWS does:
/// `2 validation errors detected: Value 'x' at 'member' failed to satisfy constraint: ...; ...`.
public struct Validation: Sendable {
    public private(set) var violations: [String] = []
    /// The exception AWS names for model violations of this service.
    public let exceptionCode: String

    public init(exceptionCode: String = "InvalidParameterException") {
        self.exceptionCode = exceptionCode
    }

    public mutating func fail(value: String?, member: String, constraint: String) {
        let shown = value.map { "'\($0)'" } ?? "null"
        violations.append("Value \(shown) at '\(member)' failed to satisfy constraint: \(constraint)")
    }

    public mutating func required(_ value: (some Any)?, _ member: String) {
        if value == nil { fail(value: nil, member: member, constraint: "Member must not be null") }
    }

    /// Length in characters (AWS counts Unicode code points), with an optional pattern that must match the whole value.
    public mutating func string(
        _ value: String?, _ member: String, min: Int? = nil, max: Int? = nil, pattern: NamePattern? = nil
    ) {
        guard let value else { return }
        if let pattern, !pattern.matches(value) {
            fail(
                value: value, member: member,
                constraint: "Member must satisfy regular expression pattern: \(pattern.source)")
        }
        let length = value.unicodeScalars.count
        if let min, length < min {
            fail(value: value, member: member, constraint: "Member must have length greater than or equal to \(min)")
        }
        if let max, length > max {
            fail(value: value, member: member, constraint: "Member must have length less than or equal to \(max)")
        }
    }

    public mutating func number<N: BinaryInteger>(_ value: N?, _ member: String, min: N? = nil, max: N? = nil) {
        guard let value else { return }
        if let min, value < min {
            fail(
                value: "\(value)", member: member, constraint: "Member must have value greater than or equal to \(min)")
        }
        if let max, value > max {
            fail(value: "\(value)", member: member, constraint: "Member must have value less than or equal to \(max)")
        }
    }

    public mutating func oneOf(_ value: String?, _ member: String, _ allowed: [String]) {
        guard let value, !allowed.contains(value) else { return }
        fail(
            value: value, member: member,
            constraint: "Member must satisfy enum value set: [\(allowed.joined(separator: ", "))]")
    }

    public mutating func count(_ count: Int?, value: String, _ member: String, min: Int? = nil, max: Int? = nil) {
        guard let count else { return }
        if let min, count < min {
            fail(value: value, member: member, constraint: "Member must have length greater than or equal to \(min)")
        }
        if let max, count > max {
            fail(value: value, member: member, constraint: "Member must have length less than or equal to \(max)")
        }
    }

    /// A length check of a secret or binary member: AWS names the member without its value ("Value at
    /// 'plaintext' failed to satisfy constraint: …").
    public mutating func hiddenCount(_ count: Int?, _ member: String, min: Int? = nil, max: Int? = nil) {
        guard let count else { return }
        if let min, count < min {
            violations.append(
                "Value at '\(member)' failed to satisfy constraint: Member must have length greater than or equal to \(min)"
            )
        }
        if let max, count > max {
            violations.append(
                "Value at '\(member)' failed to satisfy constraint: Member must have length less than or equal to \(max)"
            )
        }
    }

    public var error: AWSError? {
        guard !violations.isEmpty else { return nil }
        let noun = violations.count == 1 ? "validation error" : "validation errors"
        return AWSError(exceptionCode, "\(violations.count) \(noun) detected: " + violations.joined(separator: "; "))
    }

    public func check() throws(AWSError) {
        if let error { throw error }
    }
}
