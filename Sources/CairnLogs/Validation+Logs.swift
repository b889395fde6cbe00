import CairnProtocol

extension Validation {
    mutating func logGroupName(_ value: String?, _ member: String = "logGroupName", required: Bool = true) {
        if required { self.required(value, member) }
        string(
            value, member, min: LogsLimits.logGroupNameLength.lowerBound, max: LogsLimits.logGroupNameLength.upperBound,
            pattern: .logGroupName)
    }

    mutating func logStreamName(_ value: String?, _ member: String = "logStreamName", required: Bool = true) {
        if required { self.required(value, member) }
        string(
            value, member, min: LogsLimits.logStreamNameLength.lowerBound,
            max: LogsLimits.logStreamNameLength.upperBound,
            pattern: .logStreamName)
    }

    /// FilterName and DestinationName: 1–512 characters without `:` or `*`.
    mutating func filterName(_ value: String?, _ member: String = "filterName", required: Bool = true) {
        if required { self.required(value, member) }
        string(
            value, member, min: LogsLimits.filterNameLength.lowerBound, max: LogsLimits.filterNameLength.upperBound,
            pattern: .filterName)
    }

    mutating func logGroupIdentifier(_ value: String?, _ member: String = "logGroupIdentifier") {
        string(
            value, member, min: LogsLimits.logGroupIdentifierLength.lowerBound,
            max: LogsLimits.logGroupIdentifierLength.upperBound, pattern: .logGroupIdentifier)
    }

    /// A list of names: 1 to `max` items (shown as `[a, b]` in the message), then each item (`member.N.member`).
    mutating func names(
        _ items: [String]?, _ member: String, max: Int, each check: (inout Validation, String, String) -> Void
    ) {
        guard let items else { return }
        count(items.count, value: "[\(items.joined(separator: ", "))]", member, min: 1, max: max)
        for (index, item) in items.enumerated() { check(&self, item, "\(member).\(index + 1).member") }
    }

    mutating func describeLimit(_ value: Int?) {
        number(value, "limit", min: LogsLimits.describeLimit.lowerBound, max: LogsLimits.describeLimit.upperBound)
    }

    mutating func nextToken(_ value: String?) {
        string(value, "nextToken", min: 1)
    }

    /// A tags map: 1–50 entries, keys and values by the model's rules.
    mutating func tags(_ tags: [String: String]?, _ member: String = "tags") {
        guard let tags else { return }
        count(
            tags.count, value: "{\(tags.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: ", "))}", member,
            min: 1, max: LogsLimits.tagsPerResource)
        for (key, value) in tags.sorted(by: { $0.key < $1.key }) {
            tagKey(key, "\(member).\(key).member.key")
            string(value, "\(member).\(key).member.value", max: LogsLimits.tagValueMaxLength, pattern: .tagValue)
        }
    }

    mutating func tagKey(_ key: String, _ member: String) {
        string(
            key, member, min: LogsLimits.tagKeyLength.lowerBound, max: LogsLimits.tagKeyLength.upperBound,
            pattern: .tagKey)
    }

    mutating func tagKeys(_ keys: [String]?, _ member: String, max: Int? = nil) {
        guard let keys else { return }
        count(keys.count, value: "[\(keys.joined(separator: ", "))]", member, min: 1, max: max)
        for (index, key) in keys.enumerated() { tagKey(key, "\(member).\(index + 1).member") }
    }
}

/// `fieldSelectionCriteria` and the system fields (`@aws.account`, `@aws.region`) of metric and subscription filters
/// belong to log centralization, which Cairn does not have: a filter that asks for them is refused rather than
/// stored without them (README, "Differences from AWS"). Empty values ask for nothing.
enum LogCentralization {
    static func refuse(_ criteria: String?, _ systemFields: [String]?) throws(AWSError) {
        if let criteria, !criteria.isEmpty {
            throw AWSError.invalidParameter("fieldSelectionCriteria is not supported: Cairn has no log centralization.")
        }
        if let systemFields, !systemFields.isEmpty {
            throw AWSError.invalidParameter("System fields are not supported: Cairn has no log centralization.")
        }
    }
}
