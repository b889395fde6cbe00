import CairnFilter
import CairnMetrics
import CairnProtocol
import CairnStore
import Foundation
import PostgresNIO

extension AWSError {
    static let metricFilterNotFound = AWSError.resourceNotFound("The specified metric filter does not exist.")
    static let metricNameWithoutNamespace = AWSError.invalidParameter(
        "metricName and metricNamespace must be specified together.")
    static let filterPrefixWithoutGroup = AWSError.invalidParameter(
        "logGroupName is required when filterNamePrefix is specified.")
    static let defaultValueWithDimensions = AWSError.invalidParameter(
        "defaultValue cannot be specified when dimensions are specified.")
}

extension LogsLimits {
    /// Metric filters per log group.
    public static let metricFiltersPerGroup = 100
    /// FilterName: 1–512 characters, no `:` or `*`.
    public static let filterNameLength = 1...512
    /// MetricName / MetricNamespace: at most 255 characters, no `:`, `*` or `$`; MetricValue at most 100.
    public static let metricNameMaxLength = 255
    public static let metricValueMaxLength = 100
    /// TestMetricFilter: 1–50 messages.
    public static let testMessages = 1...50
}

extension NamePattern {
    static let filterName = NamePattern(source: "[^:*]*", allowsEmpty: true) { $0 != ":" && $0 != "*" }
    static let metricName = NamePattern(source: "[^:*$]*", allowsEmpty: true) { $0 != ":" && $0 != "*" && $0 != "$" }
}

extension MetricFilterHandlers {
    func putMetricFilter(_ request: PutMetricFilterRequest, _ caller: Caller) async throws -> EmptyResponse {
        var validation = Validation()
        validation.logGroupName(request.logGroupName)
        validation.filterName(request.filterName)
        validation.required(request.filterPattern, "filterPattern")
        validation.string(request.filterPattern, "filterPattern", max: LogsLimits.filterPatternMaxLength)
        validation.required(request.metricTransformations, "metricTransformations")
        validation.count(
            request.metricTransformations?.count, value: "[...]", "metricTransformations", min: 1, max: 1)
        for (index, transformation) in (request.metricTransformations ?? []).enumerated() {
            let member = "metricTransformations.\(index + 1).member"
            validation.required(transformation.metricName, "\(member).metricName")
            validation.string(
                transformation.metricName, "\(member).metricName", max: LogsLimits.metricNameMaxLength,
                pattern: .metricName)
            validation.required(transformation.metricNamespace, "\(member).metricNamespace")
            validation.string(
                transformation.metricNamespace, "\(member).metricNamespace", max: LogsLimits.metricNameMaxLength,
                pattern: .metricName)
            validation.required(transformation.metricValue, "\(member).metricValue")
            validation.string(transformation.metricValue, "\(member).metricValue", max: LogsLimits.metricValueMaxLength)
            validation.oneOf(transformation.unit, "\(member).unit", MetricsLimits.standardUnits)
        }
        try validation.check()
        try LogCentralization.refuse(request.fieldSelectionCriteria, request.emitSystemFieldDimensions)
        let transformation = request.metricTransformations![0]
        if !(transformation.dimensions ?? [:]).isEmpty, transformation.defaultValue != nil {
            throw AWSError.defaultValueWithDimensions
        }
        if (transformation.dimensions ?? [:]).count > MetricsLimits.dimensionsPerMetricFilter {
            throw AWSError.invalidParameter(
                "A metric filter can have at most \(MetricsLimits.dimensionsPerMetricFilter) dimensions.")
        }
        _ = try MetricFilter(pattern: request.filterPattern ?? "", transformation: transformation)
        let group = try await groups.resolve(request.logGroupName, caller)
        let dimensions = String(decoding: try JSONEncoder().encode(transformation.dimensions ?? [:]), as: UTF8.self)
        let now = LogsService.now()
        try await database.transaction { connection in
            try await filters.reserve(.metric, named: request.filterName, group: group.id, caller, on: connection)
            try await connection.query(
                """
                INSERT INTO metric_filters (account_id, group_id, filter_name, filter_pattern, metric_name,
                    metric_namespace, metric_value, default_value, dimensions, unit, creation_time,
                    apply_on_transformed)
                VALUES (\(caller.accountID), \(group.id), \(request.filterName), \(request.filterPattern),
                    \(transformation.metricName), \(transformation.metricNamespace), \(transformation.metricValue),
                    \(transformation.defaultValue), \(dimensions)::jsonb, \(transformation.unit), \(now),
                    \(request.applyOnTransformedLogs ?? false))
                ON CONFLICT (account_id, group_id, filter_name) DO UPDATE SET
                    filter_pattern = excluded.filter_pattern, metric_name = excluded.metric_name,
                    metric_namespace = excluded.metric_namespace, metric_value = excluded.metric_value,
                    default_value = excluded.default_value, dimensions = excluded.dimensions, unit = excluded.unit,
                    apply_on_transformed = excluded.apply_on_transformed
                """, logger: database.logger)
        }
        return EmptyResponse()
    }

    func deleteMetricFilter(_ request: DeleteMetricFilterRequest, _ caller: Caller) async throws -> EmptyResponse {
        guard try await filters.delete(.metric, request, caller, groups: groups) else {
            throw AWSError.metricFilterNotFound
        }
        return EmptyResponse()
    }

    func describeMetricFilters(
        _ request: DescribeMetricFiltersRequest, _ caller: Caller
    ) async throws -> DescribeMetricFiltersResponse {
        var validation = Validation()
        validation.logGroupName(request.logGroupName, required: false)
        validation.filterName(request.filterNamePrefix, "filterNamePrefix", required: false)
        validation.describeLimit(request.limit)
        validation.nextToken(request.nextToken)
        validation.string(request.metricName, "metricName", max: LogsLimits.metricNameMaxLength, pattern: .metricName)
        validation.string(
            request.metricNamespace, "metricNamespace", max: LogsLimits.metricNameMaxLength, pattern: .metricName)
        try validation.check()
        if request.filterNamePrefix != nil, request.logGroupName == nil { throw AWSError.filterPrefixWithoutGroup }
        if (request.metricName == nil) != (request.metricNamespace == nil) { throw AWSError.metricNameWithoutNamespace }
        if let name = request.logGroupName { _ = try await groups.resolve(name, caller) }
        let limit = request.limit ?? LogsLimits.describeDefaultLimit
        let after = try request.nextToken.map {
            try pageToken.read($0, operation: "DescribeMetricFilters", caller: caller, fields: 2)
        }
        let prefix = request.filterNamePrefix.map { LogsService.likeEscaped($0) + "%" }
        var page = Page<MetricFilterDescription>(limit: limit)
        let rows = try await database.query(
            """
            SELECT g.name, f.filter_name, f.filter_pattern, f.metric_name, f.metric_namespace, f.metric_value,
                   f.default_value, f.dimensions::text, f.unit, f.creation_time, f.apply_on_transformed
            FROM metric_filters f JOIN log_groups g ON g.account_id = f.account_id AND g.group_id = f.group_id
            WHERE f.account_id = \(caller.accountID) AND g.region = \(caller.region)
              AND (\(request.logGroupName)::text IS NULL OR g.name = \(request.logGroupName))
              AND (\(prefix)::text IS NULL OR f.filter_name LIKE \(prefix))
              AND (\(request.metricName)::text IS NULL OR f.metric_name = \(request.metricName))
              AND (\(request.metricNamespace)::text IS NULL OR f.metric_namespace = \(request.metricNamespace))
              AND (\(after?[0])::text IS NULL
                   OR (g.name COLLATE "C", f.filter_name COLLATE "C") > (\(after?[0]), \(after?[1] ?? "")))
            ORDER BY g.name COLLATE "C", f.filter_name COLLATE "C" LIMIT \(page.fetchLimit)
            """)
        for try await (
            group, name, pattern, metric, namespace, value, defaultValue, dimensions, unit, created, onTransformed
        )
            in rows.decode((String, String, String, String, String, String, Double?, String, String?, Int64, Bool).self)
        {
            let decoded = try JSONDecoder().decode([String: String].self, from: Data(dimensions.utf8))
            guard
                page.add(
                    MetricFilterDescription(
                        filterName: name, filterPattern: pattern,
                        metricTransformations: [
                            MetricTransformation(
                                metricName: metric, metricNamespace: namespace, metricValue: value,
                                defaultValue: defaultValue, dimensions: decoded.isEmpty ? nil : decoded, unit: unit)
                        ], creationTime: created, logGroupName: group, applyOnTransformedLogs: onTransformed))
            else { break }
        }
        let token =
            page.hasMore
            ? page.items.last.map {
                pageToken.make([$0.logGroupName, $0.filterName], operation: "DescribeMetricFilters", caller: caller)
            } : nil
        return DescribeMetricFiltersResponse(metricFilters: page.items, nextToken: token)
    }

    func testMetricFilter(_ request: TestMetricFilterRequest, _ caller: Caller) async throws -> TestMetricFilterResponse
    {
        var validation = Validation()
        validation.required(request.filterPattern, "filterPattern")
        validation.string(request.filterPattern, "filterPattern", max: LogsLimits.filterPatternMaxLength)
        validation.required(request.logEventMessages, "logEventMessages")
        validation.count(
            request.logEventMessages?.count, value: "[...]", "logEventMessages",
            min: LogsLimits.testMessages.lowerBound, max: LogsLimits.testMessages.upperBound)
        for (index, message) in (request.logEventMessages ?? []).enumerated() {
            validation.string(message, "logEventMessages.\(index + 1).member", min: 1)
        }
        try validation.check()
        let pattern = try FilterPatternCache.shared.pattern(request.filterPattern ?? "")
        var matches: [MetricFilterMatchRecord] = []
        for (index, message) in (request.logEventMessages ?? []).enumerated() {
            guard let match = pattern.match(ArraySlice(message.utf8)) else { continue }
            matches.append(
                MetricFilterMatchRecord(
                    eventNumber: index + 1, eventMessage: message,
                    extractedValues: Dictionary(match.fields.map { ($0.name, $0.value) }) { first, _ in first }))
        }
        return TestMetricFilterResponse(matches: matches)
    }
}
