import CairnFilter
import CairnProtocol
import CairnQueue
import CairnStore
import Foundation
import PostgresNIO

extension AWSError {
    static let destinationIsSubscribedGroup = AWSError.invalidParameter(
        "The destination's target is the log group being subscribed: its events would be delivered to itself.")
    static let subscriptionFilterNotFound = AWSError.resourceNotFound(
        "The specified subscription filter does not exist.")
    static let functionNotUsable = AWSError.invalidParameter(
        "Could not execute the lambda function. Make sure you have given CloudWatch Logs permission to execute your function."
    )
}

extension LogsLimits {
    /// Subscription filters per log group.
    public static let subscriptionFiltersPerGroup = 2
    public static let distributions = ["Random", "ByLogStream"]
    /// DestinationArn / RoleArn: at least 1 character.
    public static let arnMinLength = 1
}

extension SubscriptionHandlers {

    func putSubscriptionFilter(_ request: PutSubscriptionFilterRequest, _ caller: Caller) async throws -> EmptyResponse
    {
        var validation = Validation()
        validation.logGroupName(request.logGroupName)
        validation.filterName(request.filterName)
        validation.required(request.filterPattern, "filterPattern")
        validation.string(request.filterPattern, "filterPattern", max: LogsLimits.filterPatternMaxLength)
        validation.required(request.destinationArn, "destinationArn")
        validation.string(request.destinationArn, "destinationArn", min: LogsLimits.arnMinLength)
        validation.string(request.roleArn, "roleArn", min: LogsLimits.arnMinLength)
        validation.oneOf(request.distribution, "distribution", LogsLimits.distributions)
        try validation.check()
        try LogCentralization.refuse(request.fieldSelectionCriteria, request.emitSystemFields)
        _ = try FilterPatternCache.shared.pattern(request.filterPattern ?? "")
        let destination = request.destinationArn ?? ""
        try Self.checkRole(destination: destination, roleArn: request.roleArn)
        let target = try await destinations.subscriptionTarget(
            destination, for: caller, from: ResourceName.logGroup(caller, request.logGroupName ?? ""))
        if case .logGroup(caller.accountID, caller.region, request.logGroupName) = target {
            throw AWSError.destinationIsSubscribedGroup
        }
        let group = try await groups.resolve(request.logGroupName, caller)
        let now = LogsService.now()
        try await database.transaction { connection in
            try await filters.reserve(.subscription, named: request.filterName, group: group.id, caller, on: connection)
            try await connection.query(
                """
                INSERT INTO subscription_filters (account_id, group_id, filter_name, filter_pattern, destination_arn,
                    role_arn, distribution, creation_time, apply_on_transformed)
                VALUES (\(caller.accountID), \(group.id), \(request.filterName), \(request.filterPattern),
                    \(destination), \(request.roleArn), \(request.distribution ?? "ByLogStream"), \(now),
                    \(request.applyOnTransformedLogs ?? false))
                ON CONFLICT (account_id, group_id, filter_name) DO UPDATE SET
                    filter_pattern = excluded.filter_pattern, destination_arn = excluded.destination_arn,
                    role_arn = excluded.role_arn, distribution = excluded.distribution,
                    apply_on_transformed = excluded.apply_on_transformed
                """, logger: database.logger)
            // The destination hears from the subscription at once, as from AWS.
            let control = DeliveryJob(
                kind: .control, account: caller.accountID, region: caller.region, group: group.id,
                groupName: request.logGroupName ?? "", filter: request.filterName ?? "")
            try await JobQueue.enqueue(
                LogsService.deliveryQueue, payloads: [try LogsService.jobText(control)], tenant: caller.accountID,
                policy: SubscriptionDelivery.policy,
                on: connection, logger: database.logger)
        }
        return EmptyResponse()
    }

    func deleteSubscriptionFilter(_ request: DeleteMetricFilterRequest, _ caller: Caller) async throws -> EmptyResponse
    {
        guard try await filters.delete(.subscription, request, caller, groups: groups) else {
            throw AWSError.subscriptionFilterNotFound
        }
        return EmptyResponse()
    }

    func describeSubscriptionFilters(
        _ request: DescribeSubscriptionFiltersRequest, _ caller: Caller
    ) async throws -> DescribeSubscriptionFiltersResponse {
        var validation = Validation()
        validation.logGroupName(request.logGroupName)
        validation.filterName(request.filterNamePrefix, "filterNamePrefix", required: false)
        validation.describeLimit(request.limit)
        validation.nextToken(request.nextToken)
        try validation.check()
        let group = try await groups.resolve(request.logGroupName, caller)
        let limit = request.limit ?? LogsLimits.describeDefaultLimit
        let after = try request.nextToken.map {
            try pageToken.read($0, operation: "DescribeSubscriptionFilters", caller: caller, fields: 1)[0]
        }
        let prefix = request.filterNamePrefix.map { LogsService.likeEscaped($0) + "%" }
        var page = Page<SubscriptionFilterDescription>(limit: limit)
        let rows = try await database.query(
            """
            SELECT filter_name, filter_pattern, destination_arn, role_arn, distribution, creation_time,
                   apply_on_transformed
            FROM subscription_filters
            WHERE account_id = \(caller.accountID) AND group_id = \(group.id)
              AND (\(prefix)::text IS NULL OR filter_name LIKE \(prefix))
              AND (\(after)::text IS NULL OR filter_name COLLATE "C" > \(after))
            ORDER BY filter_name COLLATE "C" LIMIT \(page.fetchLimit)
            """)
        for try await (name, pattern, destination, role, distribution, created, onTransformed) in rows.decode(
            (String, String, String, String?, String, Int64, Bool).self)
        {
            guard
                page.add(
                    SubscriptionFilterDescription(
                        filterName: name, logGroupName: request.logGroupName ?? "", filterPattern: pattern,
                        destinationArn: destination, roleArn: role, distribution: distribution,
                        applyOnTransformedLogs: onTransformed, creationTime: created))
            else { break }
        }
        let token =
            page.hasMore
            ? page.items.last.map {
                pageToken.make([$0.filterName], operation: "DescribeSubscriptionFilters", caller: caller)
            }
            : nil
        return DescribeSubscriptionFiltersResponse(subscriptionFilters: page.items, nextToken: token)
    }

}

extension SubscriptionHandlers {
    /// AWS's rule for `roleArn`: Kinesis and Firehose destinations need one (CloudWatch Logs assumes it to write
    /// there), a Lambda function must have none; a logical destination may have either.
    static func checkRole(destination: String, roleArn: String?) throws {
        let parts = destination.split(separator: ":", maxSplits: 3, omittingEmptySubsequences: false)
        guard parts.count > 2, parts[0] == "arn" else { return }
        let vendor = String(parts[2])
        switch (vendor, roleArn) {
        case ("firehose", nil), ("kinesis", nil):
            throw AWSError.invalidParameter("destinationArn for vendor \(vendor) cannot be used without roleArn")
        case ("lambda", .some):
            throw AWSError.invalidParameter("destinationArn for vendor lambda cannot be used with roleArn")
        case ("kinesis", .some):
            throw AWSError.invalidParameter(
                "Could not deliver test message to specified Kinesis stream. Check if the given kinesis stream is in ACTIVE state."
            )
        default:
            return
        }
    }
}
