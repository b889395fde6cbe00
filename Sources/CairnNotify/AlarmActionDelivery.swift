import AsyncHTTPClient
public import CairnLogs
import CairnMetrics
import CairnProtocol
import CairnQueue
import CairnStore
import Foundation
public import Logging
public import ServiceLifecycle

/// Works the `alarm-actions` queue: publishes an alarm's notification to the topic an action names (as the
/// alarm's account), or invokes the function it names with AWS's Lambda alarm event, signed as subscription
/// deliveries are, retrying with backoff until it answers 2xx (at least once). A topic or function that does not
/// exist is not retried. Every outcome is an Action item of the alarm's history.
public struct AlarmActionDelivery: Service, CustomStringConvertible {
    public var description: String { "AlarmActionDelivery" }

    let logs: LogsService
    let topics: TopicService
    let logger: Logger

    public init(logs: LogsService, topics: TopicService, logger: Logger) {
        self.logs = logs
        self.topics = topics
        self.logger = logger
    }

    public func run() async throws {
        try await SubscriptionDelivery.workQueue(
            AlarmActions.queue, policy: AlarmActions.policy, concurrency: 2, database: topics.database, logger: logger,
            deliver)
    }

    func deliver(_ job: Job, _ client: HTTPClient) async throws {
        let action = try JSONDecoder().decode(AlarmActions.Job.self, from: Data(job.payload.utf8))
        // A composite's action delayed by its WaitPeriod runs only if nothing suppressed it meanwhile.
        guard try await AlarmActions.stillDue(action, database: topics.database) else { return }
        if AlarmActions.isTopic(action.action) {
            let caller = Caller(accountID: action.account, region: action.region, accessKeyID: "", role: .admin)
            do {
                _ = try await topics.publish(
                    to: action.action, message: action.event, subject: action.subject, caller: caller)
            } catch let error as AWSError {
                // The topic is missing or refuses the alarm's account: retrying changes nothing.
                try await AlarmActions.record(
                    action, succeeded: false, failure: error.message, database: topics.database)
                return
            }
            try await AlarmActions.record(action, succeeded: true, database: topics.database)
            return
        }
        // Only the alarm's own account's functions: another account's would be called with its own secret.
        guard let (function, secret) = try await logs.functions.resolve(arn: action.action),
            function.accountID == action.account
        else {
            try await AlarmActions.record(
                action, succeeded: false, failure: "the function does not exist", database: topics.database)
            return
        }
        do {
            try await SubscriptionDelivery.invoke(
                function, secret: secret, body: Array(action.event.utf8), delivery: "\(job.id)", client)
        } catch {
            guard job.attempt >= job.maxAttempts else { throw error }
            try await AlarmActions.record(action, succeeded: false, failure: "\(error)", database: topics.database)
            return
        }
        try await AlarmActions.record(action, succeeded: true, database: topics.database)
    }
}
