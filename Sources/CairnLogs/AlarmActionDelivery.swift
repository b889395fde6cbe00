import AsyncHTTPClient
import CairnMetrics
public import CairnQueue
import CairnStore
import Foundation
public import Logging
public import ServiceLifecycle

/// Works the `alarm-actions` queue: invokes the function an alarm's transition named with AWS's Lambda alarm
/// event, signed as subscription deliveries are, retrying with backoff until it answers 2xx (at least once). A
/// function that does not exist is not retried. Every outcome is an Action item of the alarm's history.
public struct AlarmActionDelivery: Service, CustomStringConvertible {
    public var description: String { "AlarmActionDelivery" }

    let logs: LogsService
    let logger: Logger

    public init(logs: LogsService, logger: Logger) {
        self.logs = logs
        self.logger = logger
    }

    public func run() async throws {
        try await SubscriptionDelivery.workQueue(
            AlarmActions.queue, policy: AlarmActions.policy, concurrency: 2, database: logs.database, logger: logger,
            deliver)
    }

    func deliver(_ job: Job, _ client: HTTPClient) async throws {
        let action = try JSONDecoder().decode(AlarmActions.Job.self, from: Data(job.payload.utf8))
        guard let (function, secret) = try await logs.functions.resolve(arn: action.action) else {
            try await AlarmActions.record(
                action, succeeded: false, failure: "the function does not exist", database: logs.database)
            return
        }
        do {
            try await SubscriptionDelivery.invoke(
                function, secret: secret, body: Array(action.event.utf8), delivery: "\(job.id)", client)
        } catch {
            guard job.attempt >= job.maxAttempts else { throw error }
            try await AlarmActions.record(action, succeeded: false, failure: "\(error)", database: logs.database)
            return
        }
        try await AlarmActions.record(action, succeeded: true, database: logs.database)
    }
}
