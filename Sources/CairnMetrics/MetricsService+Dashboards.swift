import CairnProtocol
import CairnStore
import Foundation
import PostgresNIO

extension MetricsLimits {
    /// DashboardName: 1–255 of `A–Z a–z 0–9 - _`.
    static let dashboardNameLength = 1...255
    /// ListDashboards answers at most 1,000 dashboards a page.
    static let dashboardsPerPage = 1000
}

/// PutDashboard, GetDashboard, ListDashboards, DeleteDashboards.
extension MetricsService {
    func putDashboard(_ document: Document, _ caller: Caller) async throws -> Document? {
        let request = MetricRequest(document)
        let name = try Self.dashboardName(try request.string("DashboardName", required: true)!)
        let body = try request.string("DashboardBody", required: true)!
        var tags: [Document] = []
        for tag in try request.list("Tags", max: 50) {
            let key = try tag.string("Key", required: true, length: 1...128)!
            let value = try tag.string("Value", required: true, length: 0...256)!
            tags.append(.map(["Key": .string(key), "Value": .string(value)]))
        }
        let problems = DashboardBody.validate(body)
        if !problems.isEmpty { throw AWSError.dashboardInvalid(problems) }
        let tagText = String(decoding: Document.list(tags).json, as: UTF8.self)
        try await database.query(
            """
            INSERT INTO dashboards (account_id, name, body, tags, last_modified)
            VALUES (\(caller.accountID), \(name), \(body), \(tagText)::jsonb, \(WallClock.system.milliseconds))
            ON CONFLICT (account_id, name) DO UPDATE
            SET body = excluded.body, tags = excluded.tags, last_modified = excluded.last_modified
            """)
        return .map(["DashboardValidationMessages": .list([])])
    }

    func getDashboard(_ document: Document, _ caller: Caller) async throws -> Document? {
        let name = try MetricRequest(document).string("DashboardName", required: true)!
        let rows = try await database.query(
            "SELECT body FROM dashboards WHERE account_id = \(caller.accountID) AND name = \(name)")
        for try await body in rows.decode(String.self) {
            return .map([
                "DashboardArn": .string(Self.dashboardARN(caller, name)), "DashboardBody": .string(body),
                "DashboardName": .string(name),
            ])
        }
        throw AWSError.dashboardNotFound(name)
    }

    func listDashboards(_ document: Document, _ caller: Caller) async throws -> Document? {
        let request = MetricRequest(document)
        let prefix = try request.string("DashboardNamePrefix")
        if let prefix { _ = try Self.dashboardName(prefix, member: "DashboardNamePrefix", allowEmpty: true) }
        var after = ""
        if let token = try request.string("NextToken") {
            guard let name = MetricsPageToken.value(of: token, kind: "dashboard") else {
                throw AWSError.invalidValue(token, "NextToken")
            }
            after = name
        }
        let pattern = (prefix ?? "").replacingOccurrences(of: "_", with: "\\_") + "%"
        let rows = try await database.query(
            """
            SELECT name, last_modified, octet_length(body)::bigint FROM dashboards
            WHERE account_id = \(caller.accountID) AND name COLLATE "C" > \(after) AND name LIKE \(pattern)
            ORDER BY name COLLATE "C" LIMIT \(MetricsLimits.dashboardsPerPage + 1)
            """)
        var entries: [Document] = []
        var last = ""
        for try await (name, modified, size) in rows.decode((String, Int64, Int64).self) {
            guard entries.count < MetricsLimits.dashboardsPerPage else {
                let token = MetricsPageToken.make(kind: "dashboard", last)
                return .map(["DashboardEntries": .list(entries), "NextToken": .string(token)])
            }
            entries.append(
                .map([
                    "DashboardName": .string(name), "DashboardArn": .string(Self.dashboardARN(caller, name)),
                    "LastModified": .timestamp(Double(modified) / 1000), "Size": .integer(size),
                ]))
            last = name
        }
        return .map(["DashboardEntries": .list(entries)])
    }

    func deleteDashboards(_ document: Document, _ caller: Caller) async throws -> Document? {
        let request = MetricRequest(document)
        guard request.optional("DashboardNames") != nil else { throw AWSError.missingParameter("DashboardNames") }
        let names = try request.list("DashboardNames", required: true).map { entry throws(AWSError) -> String in
            guard let name = entry.text else { throw AWSError.serialization("\(entry.path) must be a string.") }
            return name
        }
        // As the current service model says: as many as exist are deleted, and a name that does not is no error.
        try await database.query(
            "DELETE FROM dashboards WHERE account_id = \(caller.accountID) AND name = ANY(\(names))")
        return nil
    }

    static func dashboardARN(_ caller: Caller, _ name: String) -> String {
        "arn:aws:cloudwatch::\(caller.accountID):dashboard/\(name)"
    }

    /// A dashboard name: letters, digits, `-` and `_`, at most 255.
    static func dashboardName(
        _ name: String, member: String = "DashboardName", allowEmpty: Bool = false
    ) throws(AWSError) -> String {
        let valid = name.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII
                && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "-"
                    || scalar == "_")
        }
        guard valid, name.count <= MetricsLimits.dashboardNameLength.upperBound, allowEmpty || !name.isEmpty else {
            throw AWSError.dashboardInvalidName(name, member)
        }
        return name
    }
}

extension AWSError {
    /// AWS's text: how many problems, then each as `{"dataPath", "message"}` in an indented JSON array (also
    /// given as the error's modeled `dashboardValidationMessages`).
    static func dashboardInvalid(_ problems: [DashboardBody.Message]) -> AWSError {
        let listed = problems.map { problem in
            "  {\n    \"dataPath\": \"\(JSONText.escape(problem.dataPath))\",\n    \"message\": \"\(JSONText.escape(problem.message))\"\n  }"
        }
        let members = problems.map { problem in
            #"{"DataPath":"\#(JSONText.escape(problem.dataPath))","Message":"\#(JSONText.escape(problem.message))"}"#
        }
        return AWSError(
            "DashboardInvalidInputError",
            "The dashboard body is invalid, there are \(problems.count) validation errors:\n[\n"
                + listed.joined(separator: ",\n") + "\n]",
            members: #""dashboardValidationMessages":[\#(members.joined(separator: ","))]"#)
    }

    static func dashboardInvalidName(_ name: String, _ member: String) -> AWSError {
        .invalidParameterValue(
            "The value \(name) for field \(member) contains invalid characters. It can only contain alphanumerics, dash (-) and underscore (_)."
        )
    }

    static func dashboardNotFound(_ name: String) -> AWSError {
        AWSError("DashboardNotFoundError", "Dashboard \(name) does not exist", status: 404)
    }
}
