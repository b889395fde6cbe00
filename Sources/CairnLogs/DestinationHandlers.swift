import CairnAccounts
import CairnChunks
import CairnProtocol
import CairnStore
import Foundation
import PostgresNIO

struct PutDestinationRequest: Decodable {
    let destinationName: String?
    let targetArn: String?
    let roleArn: String?
    let tags: [String: String]?
}

struct PutDestinationPolicyRequest: Decodable {
    let destinationName: String?
    let accessPolicy: String?
    let forceUpdate: Bool?
}

struct DescribeDestinationsRequest: Decodable {
    let DestinationNamePrefix: String?
    let nextToken: String?
    let limit: Int?
}

struct DestinationNameRequest: Decodable {
    let destinationName: String?
}

struct DestinationDescription: Encodable {
    let destinationName: String
    let targetArn: String
    let roleArn: String
    let accessPolicy: String?
    let arn: String
    let creationTime: Int64
}

struct PutDestinationResponse: Encodable {
    let destination: DestinationDescription
}

struct DescribeDestinationsResponse: Encodable {
    let destinations: [DestinationDescription]
    let nextToken: String?
}

/// Where a subscription's events go in the end: a function, or a log group of the destination's owner.
enum SubscriptionTarget: Equatable {
    case function(arn: String)
    /// A delivery stream of the subscription's (or the destination's) account.
    case deliveryStream(account: String, region: String, name: String)
    /// Events land in `group` of `account`, in a stream named after their source.
    case logGroup(account: String, region: String, group: String)
}

extension AWSError {
    static let deliveryStreamNotUsable = AWSError.invalidParameter(
        "Could not deliver test message to specified Firehose stream. Check if the given Firehose stream is in ACTIVE state."
    )
    static let destinationNotFound = AWSError.resourceNotFound("The specified destination does not exist.")
    static let invalidDestinationTarget = AWSError.invalidParameter(
        "The target of a destination must be a log group, a function or a delivery stream of the destination's account."
    )
}

extension DestinationHandlers {
    static func destinationARN(region: String, account: String, name: String) -> String {
        ARN(region: region, account: account, resource: .destination(name)).description
    }

    /// `(region, account, name)` of a destination ARN.
    static func destinationReference(_ arn: String) -> (region: String, account: String, name: String)? {
        guard let arn = ARN(arn), case .destination(let name) = arn.resource else { return nil }
        return (arn.region, arn.account, name)
    }

    func putDestination(_ request: PutDestinationRequest, _ caller: Caller) async throws -> PutDestinationResponse {
        var validation = Validation()
        validation.filterName(request.destinationName, "destinationName")
        validation.required(request.targetArn, "targetArn")
        validation.string(request.targetArn, "targetArn", min: 1)
        validation.required(request.roleArn, "roleArn")
        validation.string(request.roleArn, "roleArn", min: 1)
        validation.tags(request.tags)
        try validation.check()
        let target = request.targetArn ?? ""
        guard try await targetExists(target, owner: caller) else { throw AWSError.invalidDestinationTarget }
        let tags = String(decoding: try JSONEncoder().encode(request.tags ?? [:]), as: UTF8.self)
        let stored = try await database.transaction { connection in
            do {
                try await quotas.lockAccount(caller.accountID, creatingIn: caller.region, on: connection)
                var count = 0
                var exists = false
                for try await (destinations, named) in try await connection.query(
                    """
                    SELECT count(*)::integer, bool_or(name = \(request.destinationName)) IS TRUE FROM destinations
                    WHERE account_id = \(caller.accountID) AND region = \(caller.region)
                    """, logger: database.logger
                ).decode((Int, Bool).self) {
                    (count, exists) = (destinations, named)
                }
                if !exists {
                    try await quotas.check(.destinations, account: caller.accountID, count: count, on: connection)
                }
            } catch is QuotaExceeded {
                throw AWSError.limitExceeded()
            }
            let rows = try await connection.query(
                """
                INSERT INTO destinations (account_id, region, name, target_arn, role_arn, tags, creation_time)
                VALUES (\(caller.accountID), \(caller.region), \(request.destinationName), \(target), \(request.roleArn),
                    \(tags)::jsonb, \(LogsService.now()))
                ON CONFLICT (account_id, region, name) DO UPDATE SET target_arn = excluded.target_arn,
                    role_arn = excluded.role_arn
                RETURNING name, target_arn, role_arn, access_policy, creation_time
                """, logger: database.logger)
            var stored: [(String, String, String, String?, Int64)] = []
            for try await row in rows.decode((String, String, String, String?, Int64).self) { stored.append(row) }
            return stored
        }
        for (name, target, role, policy, created) in stored {
            return PutDestinationResponse(
                destination: DestinationDescription(
                    destinationName: name, targetArn: target, roleArn: role, accessPolicy: policy,
                    arn: Self.destinationARN(region: caller.region, account: caller.accountID, name: name),
                    creationTime: created))
        }
        throw AWSError.destinationNotFound
    }

    /// A destination's target must be the owner's own log group or function, in the same region.
    private func targetExists(_ arn: String, owner caller: Caller) async throws -> Bool {
        if let group = ResourceName.logGroupReference(arn, caller: caller), arn.hasPrefix("arn:") {
            guard group.accountID == caller.accountID, group.region == caller.region else { return false }
            do {
                _ = try await groups.resolve(group.name, caller)
                return true
            } catch let error as AWSError where error == .logGroupNotFound {
                return false
            }
        }
        if DeliveryStreamDirectory.reference(arn) != nil {
            return try await deliveryStreams.exists(arn: arn, account: caller.accountID, region: caller.region)
        }
        return try await functions.exists(
            arn: arn, account: caller.accountID, region: caller.region)
    }

    func putDestinationPolicy(_ request: PutDestinationPolicyRequest, _ caller: Caller) async throws -> EmptyResponse {
        var validation = Validation()
        validation.filterName(request.destinationName, "destinationName")
        validation.required(request.accessPolicy, "accessPolicy")
        validation.string(request.accessPolicy, "accessPolicy", min: 1)
        try validation.check()
        do {
            _ = try ResourcePolicy(request.accessPolicy ?? "")
        } catch {
            throw AWSError.invalidParameter("The access policy is not valid: \(error.description)")
        }
        let rows = try await database.query(
            """
            UPDATE destinations SET access_policy = \(request.accessPolicy)
            WHERE account_id = \(caller.accountID) AND region = \(caller.region) AND name = \(request.destinationName)
            RETURNING 1
            """)
        for try await _ in rows.decode(Int.self) { return EmptyResponse() }
        throw AWSError.destinationNotFound
    }

    func describeDestinations(
        _ request: DescribeDestinationsRequest, _ caller: Caller
    ) async throws -> DescribeDestinationsResponse {
        var validation = Validation()
        validation.filterName(request.DestinationNamePrefix, "DestinationNamePrefix", required: false)
        validation.describeLimit(request.limit)
        validation.nextToken(request.nextToken)
        try validation.check()
        let limit = request.limit ?? LogsLimits.describeDefaultLimit
        let after = try request.nextToken.map {
            try pageToken.read($0, operation: "DescribeDestinations", caller: caller, fields: 1)[0]
        }
        let prefix = request.DestinationNamePrefix.map { LogsService.likeEscaped($0) + "%" }
        var page = Page<DestinationDescription>(limit: limit)
        let rows = try await database.query(
            """
            SELECT name, target_arn, role_arn, access_policy, creation_time FROM destinations
            WHERE account_id = \(caller.accountID) AND region = \(caller.region)
              AND (\(prefix)::text IS NULL OR name LIKE \(prefix))
              AND (\(after)::text IS NULL OR name COLLATE "C" > \(after))
            ORDER BY name COLLATE "C" LIMIT \(page.fetchLimit)
            """)
        for try await (name, target, role, policy, created) in rows.decode(
            (String, String, String, String?, Int64).self)
        {
            guard
                page.add(
                    DestinationDescription(
                        destinationName: name, targetArn: target, roleArn: role, accessPolicy: policy,
                        arn: Self.destinationARN(region: caller.region, account: caller.accountID, name: name),
                        creationTime: created))
            else { break }
        }
        let token =
            page.hasMore
            ? page.items.last.map {
                pageToken.make([$0.destinationName], operation: "DescribeDestinations", caller: caller)
            } : nil
        return DescribeDestinationsResponse(destinations: page.items, nextToken: token)
    }

    func deleteDestination(_ request: DestinationNameRequest, _ caller: Caller) async throws -> EmptyResponse {
        var validation = Validation()
        validation.filterName(request.destinationName, "destinationName")
        try validation.check()
        let rows = try await database.query(
            """
            DELETE FROM destinations
            WHERE account_id = \(caller.accountID) AND region = \(caller.region) AND name = \(request.destinationName)
            RETURNING 1
            """)
        for try await _ in rows.decode(Int.self) { return EmptyResponse() }
        throw AWSError.destinationNotFound
    }

    /// The target a subscription's `destinationArn` leads to, checking that `caller` may use it: its own
    /// functions, its own destinations, and other accounts' destinations whose access policy allows it.
    func subscriptionTarget(
        _ arn: String, for caller: Caller, from source: String? = nil
    ) async throws -> SubscriptionTarget {
        if let reference = Self.destinationReference(arn) {
            guard reference.region == caller.region else { throw AWSError.destinationNotFound }
            let rows = try await database.query(
                """
                SELECT target_arn, access_policy FROM destinations
                WHERE account_id = \(reference.account) AND region = \(reference.region) AND name = \(reference.name)
                """)
            var found: (target: String, policy: String?)?
            for try await row in rows.decode((String, String?).self) { found = row }
            guard let found else { throw AWSError.destinationNotFound }
            if reference.account != caller.accountID,
                !ResourcePolicy.allows(
                    found.policy,
                    PolicyRequest(
                        account: caller.accountID, principal: caller.userARN, action: "logs:PutSubscriptionFilter",
                        region: caller.region, sourceAccount: caller.accountID, sourceARN: source))
            {
                throw AWSError.accessDenied(
                    "User with accountId: \(caller.accountID) is not authorized to perform: logs:PutSubscriptionFilter on resource: \(arn)"
                )
            }
            let owner = caller.acting(for: reference.account)
            if let group = ResourceName.logGroupReference(found.target, caller: owner), found.target.hasPrefix("arn:") {
                return .logGroup(account: group.accountID, region: group.region, group: group.name)
            }
            if let stream = DeliveryStreamDirectory.reference(found.target) {
                return .deliveryStream(account: stream.account, region: stream.region, name: stream.name)
            }
            return .function(arn: found.target)
        }
        if let stream = DeliveryStreamDirectory.reference(arn) {
            guard try await deliveryStreams.exists(arn: arn, account: caller.accountID, region: caller.region) else {
                throw AWSError.deliveryStreamNotUsable
            }
            return .deliveryStream(account: stream.account, region: stream.region, name: stream.name)
        }
        guard
            try await functions.exists(
                arn: arn, account: caller.accountID, region: caller.region)
        else { throw AWSError.functionNotUsable }
        return .function(arn: arn)
    }
}

extension LogEventHandlers {
    /// Creates the stream in the caller's group unless it exists (streams Cairn writes into on the owner's behalf).
    func createStreamIfMissing(_ stream: String, in group: String, _ caller: Caller) async throws {
        let groupID = try await groups.resolve(group, caller).id
        try await database.query(
            """
            INSERT INTO log_streams (account_id, group_id, name, creation_time)
            VALUES (\(caller.accountID), \(groupID), \(stream), \(LogsService.now())) ON CONFLICT DO NOTHING
            """)
    }

    /// Writes delivered events into a destination's log group, in a stream named after their source
    /// (`<account>/<group>/<stream>`), created on first use: one account centralizes the logs of many.
    func forward(_ events: [LogEvent], from delivery: DeliveryJob, to group: String, of owner: Caller) async throws {
        let stream = "\(delivery.account)/\(delivery.groupName)/\(delivery.streamName ?? "")"
        try await createStreamIfMissing(stream, in: group, owner)
        var request = PutLogEventsRequest()
        request.forwards = (delivery.forwards ?? 0) + 1
        request.logGroupName = group
        request.logStreamName = stream
        request.hasEvents = true
        for event in events {
            request.timestamps.append(event.timestamp)
            request.messages += event.message
            request.messageEnds.append(request.messages.count)
        }
        _ = try await ingest(request, owner)
    }
}
