import CairnProtocol

/// Reads members of a metrics request with CloudWatch's checks and messages.
struct MetricRequest {
    let document: Document
    let path: String

    init(_ document: Document, path: String = "") {
        self.document = document
        self.path = path
    }

    func member(_ name: String) -> String { path.isEmpty ? name : "\(path).\(name)" }

    func optional(_ name: String) -> Document? {
        guard let value = document[name], value != .null else { return nil }
        return value
    }

    func string(_ name: String, required: Bool = false, length: ClosedRange<Int>? = nil) throws(AWSError) -> String? {
        guard let value = optional(name) else {
            if required { throw AWSError.missingParameter(member(name)) }
            return nil
        }
        guard let text = value.string else { throw AWSError.serialization("\(member(name)) must be a string.") }
        if let length, !length.contains(text.unicodeScalars.count) {
            throw AWSError.invalidParameterValue(
                "The parameter \(member(name)) must be between \(length.lowerBound) and \(length.upperBound) characters long."
            )
        }
        return text
    }

    func double(_ name: String, required: Bool = false) throws(AWSError) -> Double? {
        guard let value = optional(name) else {
            if required { throw AWSError.missingParameter(member(name)) }
            return nil
        }
        guard let number = value.double else { throw AWSError.serialization("\(member(name)) must be a number.") }
        guard number.isFinite else { throw AWSError.invalidValue("\(number)", member(name)) }
        return number
    }

    /// An `integer` member: 32 bits in the service model (`Period`, `StorageResolution`), so a larger number is
    /// refused here rather than overflowing the arithmetic done with it.
    func integer(_ name: String, required: Bool = false) throws(AWSError) -> Int? {
        guard let value = optional(name) else {
            if required { throw AWSError.missingParameter(member(name)) }
            return nil
        }
        guard let number = value.integer else { throw AWSError.serialization("\(member(name)) must be an integer.") }
        guard let small = Int32(exactly: number) else { throw AWSError.invalidValue("\(number)", member(name)) }
        return Int(small)
    }

    func timestamp(_ name: String, required: Bool = false) throws(AWSError) -> Double? {
        guard let value = optional(name) else {
            if required { throw AWSError.missingParameter(member(name)) }
            return nil
        }
        guard let seconds = value.timestamp, seconds.isFinite else {
            throw AWSError.serialization("\(member(name)) must be a timestamp.")
        }
        return seconds
    }

    func list(_ name: String, required: Bool = false, max: Int? = nil) throws(AWSError) -> [MetricRequest] {
        guard let value = optional(name) else {
            if required { throw AWSError.missingParameter(member(name)) }
            return []
        }
        guard let items = value.list else { throw AWSError.serialization("\(member(name)) must be a list.") }
        if let max, items.count > max {
            throw AWSError.invalidParameterValue(
                "The collection \(member(name)) must not have a size greater than \(max).")
        }
        return items.enumerated().map { MetricRequest($1, path: "\(member(name)).member.\($0 + 1)") }
    }

    var text: String? { document.string }
    var number: Double? { document.double }

    /// `Dimensions`: names and values, each required, at most 30.
    func dimensions(_ name: String = "Dimensions") throws(AWSError) -> [MetricIdentity.Dimension] {
        var dimensions: [MetricIdentity.Dimension] = []
        for entry in try list(name, max: MetricsLimits.dimensionsPerMetric) {
            let dimensionName = try entry.string("Name", required: true, length: 1...255)!
            let value = try entry.string("Value", required: true, length: 1...1024)!
            if dimensions.contains(where: { $0.name == dimensionName }) {
                throw AWSError.invalidParameterValue("No metric may have duplicate dimension names.")
            }
            dimensions.append(.init(name: dimensionName, value: value))
        }
        return dimensions
    }

    func unit(_ name: String = "Unit") throws(AWSError) -> String? {
        guard let unit = try string(name) else { return nil }
        guard MetricsLimits.standardUnits.contains(unit) else { throw AWSError.invalidValue(unit, member(name)) }
        return unit
    }
}

extension MetricsLimits {
    /// StandardUnit, in the service model's order.
    public static let standardUnits = [
        "Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes", "Megabytes", "Gigabytes", "Terabytes", "Bits",
        "Kilobits", "Megabits", "Gigabits", "Terabits", "Percent", "Count", "Bytes/Second", "Kilobytes/Second",
        "Megabytes/Second", "Gigabytes/Second", "Terabytes/Second", "Bits/Second", "Kilobits/Second", "Megabits/Second",
        "Gigabits/Second", "Terabits/Second", "Count/Second", "None",
    ]
}
