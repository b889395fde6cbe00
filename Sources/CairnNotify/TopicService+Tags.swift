import CairnProtocol
import CairnStore
import Foundation
import PostgresNIO

extension TopicService {
    static let tagsPerTopic = 50

    func tagResource(_ input: Document, _ caller: Caller) async throws -> Document? {
        let request = TopicRequest(input)
        let arn = try taggedTopic(request.required("ResourceArn"), caller)
        let tags = try request.tags(required: true)
        try await database.transaction { connection in
            guard let topic = try await Self.topic(arn, on: connection, logger: database.logger) else {
                throw AWSError("ResourceNotFound", "Resource does not exist", status: 404)
            }
            guard topic.tags.merging(tags, uniquingKeysWith: { _, new in new }).count <= Self.tagsPerTopic else {
                throw AWSError(
                    "TagLimitExceeded", "Could not complete request: tag quota of per resource exceeded", status: 400)
            }
            try await connection.query(
                """
                UPDATE sns_topics SET tags = tags || \(Self.json(tags))::jsonb
                WHERE account_id = \(arn.account) AND region = \(arn.region) AND topic_name = \(arn.name)
                """, logger: database.logger)
        }
        return nil
    }

    func untagResource(_ input: Document, _ caller: Caller) async throws -> Document? {
        let request = TopicRequest(input)
        let arn = try taggedTopic(request.required("ResourceArn"), caller)
        let keys = try request.strings("TagKeys")
        let rows = try await database.query(
            """
            UPDATE sns_topics SET tags = tags - \(keys)::text[]
            WHERE account_id = \(arn.account) AND region = \(arn.region) AND topic_name = \(arn.name) RETURNING 1
            """)
        for try await _ in rows.decode(Int.self) { return nil }
        throw AWSError("ResourceNotFound", "Resource does not exist", status: 404)
    }

    func listTagsForResource(_ input: Document, _ caller: Caller) async throws -> Document? {
        let arn = try taggedTopic(TopicRequest(input).required("ResourceArn"), caller)
        guard
            let topic = try await database.client.withConnection({ connection in
                try await Self.topic(arn, on: connection, logger: database.logger)
            })
        else { throw AWSError("ResourceNotFound", "Resource does not exist", status: 404) }
        return .map(["Tags": .tagList(topic.tags)])
    }

    private func taggedTopic(_ text: String, _ caller: Caller) throws(AWSError) -> TopicARN {
        guard let arn = TopicARN(text), arn.region == caller.region, arn.account == caller.accountID else {
            throw AWSError.snsInvalidParameter("ResourceArn")
        }
        return arn
    }
}
