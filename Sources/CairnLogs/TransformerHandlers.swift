import CairnAccounts
import CairnProtocol
import CairnStore
import CairnTransform
import Foundation
import PostgresNIO

struct PutTransformerRequest: Decodable {
    let logGroupIdentifier: String?
    var transformerConfig: [Processor]? = nil
}

struct TransformerRequest: Decodable {
    let logGroupIdentifier: String?
}

struct GetTransformerResponse: Encodable {
    let logGroupIdentifier: String
    let creationTime: Int64
    let lastModifiedTime: Int64
    let transformerConfig: [Processor]
}

struct TestTransformerRequest: Decodable {
    var transformerConfig: [Processor]? = nil
    var logEventMessages: [String]? = nil
}

struct TransformedLogRecord: Encodable {
    let eventNumber: Int64
    let eventMessage: String
    let transformedEventMessage: String
}

struct TestTransformerResponse: Encodable {
    let transformedLogs: [TransformedLogRecord]
}

extension AWSError {
    static let noTransformer = AWSError.resourceNotFound("The specified log group has no transformer.")
}

/// PutTransformer, GetTransformer, DeleteTransformer and TestTransformer: one transformer per log group (the
/// caller's own, by name or ARN). From the next PutLogEvents on, each event's transformed version is made at
/// ingestion and stored beside the original; reads return the original, Insights and filters that ask for it
/// (`applyOnTransformedLogs`) see the transformed one.
extension TransformerHandlers {
    func putTransformer(_ request: PutTransformerRequest, _ caller: Caller) async throws -> EmptyResponse {
        var validation = Validation()
        validation.required(request.logGroupIdentifier, "logGroupIdentifier")
        validation.logGroupIdentifier(request.logGroupIdentifier)
        let configuration = try Self.configuration(request.transformerConfig, validation)
        let name = try OwnGroup.validated(request.logGroupIdentifier, caller)
        // "You can create transformers only for the log groups in the Standard log class."
        let classes = try await database.query(
            """
            SELECT log_group_class FROM log_groups
            WHERE account_id = \(caller.accountID) AND region = \(caller.region) AND name = \(name)
            """)
        for try await groupClass in classes.decode(String.self) where groupClass != "STANDARD" {
            throw AWSError(
                "InvalidOperationException",
                "Transformers can be created only for log groups in the Standard log class.")
        }
        let stored = String(decoding: configuration.storedJSON(), as: UTF8.self)
        let now = LogsService.now()
        let rows = try await database.query(
            """
            UPDATE log_groups SET transformer_config = \(stored),
                transformer_created = CASE WHEN transformer_config IS NULL THEN \(now) ELSE transformer_created END,
                transformer_updated = \(now)
            WHERE account_id = \(caller.accountID) AND region = \(caller.region) AND name = \(name) RETURNING 1
            """)
        for try await _ in rows.decode(Int.self) { return EmptyResponse() }
        throw AWSError.logGroupNotFound
    }

    func getTransformer(_ request: TransformerRequest, _ caller: Caller) async throws -> GetTransformerResponse {
        let name = try OwnGroup.validated(request.logGroupIdentifier, caller)
        let rows = try await database.query(
            """
            SELECT transformer_config, transformer_created, transformer_updated FROM log_groups
            WHERE account_id = \(caller.accountID) AND region = \(caller.region) AND name = \(name)
            """)
        for try await (stored, created, updated) in rows.decode((String?, Int64?, Int64?).self) {
            guard let stored, let created, let updated,
                let processors = try? JSONDecoder().decode([Processor].self, from: Data(stored.utf8))
            else { throw AWSError.noTransformer }
            return GetTransformerResponse(
                logGroupIdentifier: request.logGroupIdentifier ?? name, creationTime: created,
                lastModifiedTime: updated, transformerConfig: processors)
        }
        throw AWSError.logGroupNotFound
    }

    func deleteTransformer(_ request: TransformerRequest, _ caller: Caller) async throws -> EmptyResponse {
        let name = try OwnGroup.validated(request.logGroupIdentifier, caller)
        let rows = try await database.query(
            """
            UPDATE log_groups g SET transformer_config = NULL, transformer_created = NULL, transformer_updated = NULL
            FROM log_groups old
            WHERE g.account_id = \(caller.accountID) AND g.region = \(caller.region) AND g.name = \(name)
              AND old.account_id = g.account_id AND old.group_id = g.group_id
            RETURNING old.transformer_config IS NOT NULL
            """)
        for try await had in rows.decode(Bool.self) {
            guard had else { throw AWSError.noTransformer }
            return EmptyResponse()
        }
        throw AWSError.logGroupNotFound
    }

    /// Runs a configuration over up to 50 messages, as ingestion would (without a log group: copyValue's
    /// metadata sources are empty).
    func testTransformer(_ request: TestTransformerRequest, _ caller: Caller) async throws -> TestTransformerResponse {
        var validation = Validation()
        validation.required(request.transformerConfig, "transformerConfig")
        validation.required(request.logEventMessages, "logEventMessages")
        if let messages = request.logEventMessages {
            validation.count(
                messages.count, value: messages.isEmpty ? "[]" : "[...]", "logEventMessages",
                min: LogsLimits.testTransformerMessages.lowerBound, max: LogsLimits.testTransformerMessages.upperBound)
            for (index, message) in messages.enumerated() where message.isEmpty {
                validation.fail(
                    value: "", member: "logEventMessages.\(index + 1).member",
                    constraint: "Member must have length greater than or equal to 1")
            }
        }
        let configuration = try Self.configuration(request.transformerConfig, validation)
        let transformer = try Self.transformer(configuration)
        let messages = request.logEventMessages ?? []
        // Up to the 2 s regular-expression budget, on BlockingWork's threads (as ingestion's transformation).
        let records = try await blockingWork.run(account: caller.accountID) {
            let context = TransformContext(logGroupName: "", logStreamName: "", accountID: "", region: "")
            let budget = TransformBudget()
            return messages.enumerated().map { index, message in
                TransformedLogRecord(
                    eventNumber: Int64(index + 1), eventMessage: message,
                    transformedEventMessage: transformer.transform(message, context: context, budget: budget).json)
            }
        }
        return TestTransformerResponse(transformedLogs: records)
    }

    /// A request's `transformerConfig`, validated as AWS does (InvalidParameterException), after the request's
    /// other members (`validation`).
    static func configuration(
        _ processors: [Processor]?, _ validation: Validation
    ) throws(AWSError) -> TransformerConfiguration {
        var validation = validation
        validation.required(processors, "transformerConfig")
        try validation.check()
        do {
            return try TransformerConfiguration(processors ?? [])
        } catch {
            throw AWSError.invalidParameter(error.message)
        }
    }

    static func transformer(_ configuration: TransformerConfiguration) throws(AWSError) -> Transformer {
        do {
            return try Transformer(configuration)
        } catch {
            throw AWSError.invalidParameter(error.message)
        }
    }
}

/// Compiled transformers by their stored configuration: a group's transformer is built once per process, not
/// per batch.
enum Transformers {
    private static let cache = CompiledCache<Transformer>(capacity: 10_000)

    /// The transformer of a stored configuration (nil when it no longer decodes or validates: nothing stored is
    /// trusted blindly).
    static func transformer(_ stored: String?) -> Transformer? {
        guard let stored else { return nil }
        return cache.value(stored) {
            guard let processors = try? JSONDecoder().decode([Processor].self, from: Data(stored.utf8)),
                let configuration = try? TransformerConfiguration(processors)
            else { return nil }
            return try? Transformer(configuration)
        }
    }
}
