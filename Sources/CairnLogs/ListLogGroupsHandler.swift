import CairnAccounts
import CairnProtocol
import CairnStore
import Foundation
import PostgresNIO

struct ListLogGroupsRequest: Decodable {
    let logGroupNamePattern: String?
    let logGroupClass: String?
    let includeLinkedAccounts: Bool?
    let accountIdentifiers: [String]?
    let nextToken: String?
    let limit: Int?
    let dataSources: [DataSourceFilter]?
    let fieldIndexNames: [String]?
    let logGroupTags: [TagFilter]?

    struct DataSourceFilter: Decodable {
        let name: String?
        let type: String?
    }

    struct TagFilter: Decodable {
        let key: String?
        let values: [String]?
    }
}

struct LogGroupSummary: Encodable {
    let logGroupName: String
    let logGroupArn: String
    let logGroupClass: String
}

struct ListLogGroupsResponse: Encodable {
    let logGroups: [LogGroupSummary]
    let nextToken: String?
}

/// ListLogGroups: the caller's groups (and, with `includeLinkedAccounts`, its linked source accounts'), by name
/// pattern (up to five alternatives, each a case-sensitive substring or, after `^`, a prefix), class and tags.
/// Cairn's groups have no data sources or field indexes: a filter on those matches none.
extension LogGroupHandlers {
    static let listDefaultLimit = 50

    /// The alternatives of a `logGroupNamePattern`, or nil when it is not one: 3–24 characters of
    /// `[.-_/#A-Za-z0-9]` each, optionally after `^`, at most five, separated by `|` (the model's pattern).
    static func patternAlternatives(_ pattern: String) -> [(prefix: Bool, text: String)]? {
        let parts = pattern.split(separator: "|", omittingEmptySubsequences: false)
        guard (1...5).contains(parts.count) else { return nil }
        var alternatives: [(Bool, String)] = []
        for part in parts {
            let prefix = part.hasPrefix("^")
            let text = prefix ? part.dropFirst() : part[...]
            guard (3...24).contains(text.count),
                text.unicodeScalars.allSatisfy({
                    $0.isASCII && (".-_/#".unicodeScalars.contains($0) || CharacterSet.alphanumerics.contains($0))
                })
            else { return nil }
            alternatives.append((prefix, String(text)))
        }
        return alternatives
    }

    func listLogGroups(_ request: ListLogGroupsRequest, _ caller: Caller) async throws -> ListLogGroupsResponse {
        var validation = Validation()
        validation.string(request.logGroupNamePattern, "logGroupNamePattern", min: 3, max: 129)
        validation.oneOf(request.logGroupClass, "logGroupClass", LogsLimits.logGroupClasses)
        validation.count(
            request.accountIdentifiers?.count, value: "\(request.accountIdentifiers ?? [])", "accountIdentifiers",
            max: LogsLimits.accountIdentifiersMax)
        for (index, account) in (request.accountIdentifiers ?? []).enumerated() {
            validation.string(account, "accountIdentifiers.\(index + 1).member", min: 12, max: 12, pattern: .accountID)
        }
        validation.nextToken(request.nextToken)
        validation.number(request.limit, "limit", min: 1, max: 1000)
        validation.count(
            request.dataSources?.count, value: "\(request.dataSources?.count ?? 0)", "dataSources", min: 1, max: 5)
        validation.count(
            request.fieldIndexNames?.count, value: "\(request.fieldIndexNames ?? [])", "fieldIndexNames", min: 1,
            max: 20)
        validation.count(
            request.logGroupTags?.count, value: "\(request.logGroupTags?.count ?? 0)", "logGroupTags", min: 1, max: 5)
        for (index, filter) in (request.logGroupTags ?? []).enumerated() {
            validation.required(filter.key, "logGroupTags.\(index + 1).member.key")
        }
        try validation.check()
        var alternatives: [(prefix: Bool, text: String)]?
        if let pattern = request.logGroupNamePattern {
            guard let parsed = Self.patternAlternatives(pattern) else {
                throw AWSError.invalidParameter(
                    "1 validation error detected: Value '\(pattern)' at 'logGroupNamePattern' failed to satisfy "
                        + "constraint: Member must satisfy regular expression pattern: "
                        + "(\\^?[\\.\\-_\\/#A-Za-z0-9]{3,24})(\\|\\^?[\\.\\-_\\/#A-Za-z0-9]{3,24}){0,4}")
            }
            alternatives = parsed
        }
        // No Cairn group has a data source or a field index.
        if request.dataSources != nil || request.fieldIndexNames != nil {
            return ListLogGroupsResponse(logGroups: [], nextToken: nil)
        }
        let limit = request.limit ?? Self.listDefaultLimit
        let after = try request.nextToken.map {
            try pageToken.read($0, operation: "ListLogGroups", caller: caller, fields: 2)
        }
        let accounts = try await self.accounts.searched(
            linked: request.includeLinkedAccounts, only: request.accountIdentifiers, caller)
        let likes = (alternatives ?? []).map { ($0.prefix ? "" : "%") + LogsService.likeEscaped($0.text) + "%" }
        var groups: [LogGroupSummary] = []
        var more = false
        if !accounts.isEmpty {
            let rows = try await database.query(
                """
                SELECT account_id, name, log_group_class, tags::text FROM log_groups g
                WHERE account_id = ANY(\(accounts)) AND region = \(caller.region)
                  AND (cardinality(\(likes)::text[]) = 0 OR name LIKE ANY(\(likes)::text[]))
                  AND (\(request.logGroupClass)::text IS NULL OR log_group_class = \(request.logGroupClass))
                  AND (\(after?[0])::text IS NULL
                       OR (name COLLATE "C", account_id) > (\(after?[0]), \(after?[1] ?? "")))
                ORDER BY name COLLATE "C", account_id
                """)
            for try await (account, name, groupClass, tagText) in rows.decode((String, String, String, String).self) {
                let tags = (try? JSONDecoder().decode([String: String].self, from: Data(tagText.utf8))) ?? [:]
                guard Self.matches(tags, request.logGroupTags ?? []) else { continue }
                guard groups.count < limit else {
                    more = true
                    break
                }
                groups.append(
                    LogGroupSummary(
                        logGroupName: name, logGroupArn: ResourceName.logGroup(caller.acting(for: account), name),
                        logGroupClass: groupClass))
            }
        }
        let token =
            more
            ? groups.last.map {
                pageToken.make(
                    [$0.logGroupName, ARN($0.logGroupArn)?.account ?? caller.accountID], operation: "ListLogGroups",
                    caller: caller)
            } : nil
        return ListLogGroupsResponse(logGroups: groups, nextToken: token)
    }

    /// AWS's tag filters, combined with AND: the key must be there; with values, its value matches any of them
    /// (`*` wildcards, case-insensitive; `!` negates, case-sensitive; otherwise exact).
    static func matches(_ tags: [String: String], _ filters: [ListLogGroupsRequest.TagFilter]) -> Bool {
        filters.allSatisfy { filter in
            guard let key = filter.key, let value = tags[key] else { return false }
            guard let values = filter.values, !values.isEmpty else { return true }
            return values.contains { wanted in
                if wanted.hasPrefix("!") { return value != String(wanted.dropFirst()) }
                if wanted.contains("*") { return TagValueGlob.matches(wanted.lowercased(), value.lowercased()) }
                return value == wanted
            }
        }
    }
}

/// `*` matches any run of characters, everything else itself.
enum TagValueGlob {
    static func matches(_ pattern: String, _ text: String) -> Bool {
        let parts = pattern.split(separator: "*", omittingEmptySubsequences: false).map(String.init)
        guard parts.count > 1 else { return pattern == text }
        var rest = Substring(text)
        guard rest.hasPrefix(parts[0]) else { return false }
        rest = rest.dropFirst(parts[0].count)
        for part in parts.dropFirst().dropLast() where !part.isEmpty {
            guard let range = rest.range(of: part) else { return false }
            rest = rest[range.upperBound...]
        }
        return rest.hasSuffix(parts[parts.count - 1])
    }
}
