import CairnLogs
import CairnProtocol
import CairnServer
import CairnStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import PostgresNIO
import Testing

/// Compaction through the real API: many small batches become one chunk; every event, id, ingestion time and
/// pagination token survives.
@Suite(.enabled(if: TestDatabase.available, "needs PostgreSQL: CAIRN_TEST_DATABASE_URL or an installed server"))
struct CompactionTests {
    static func call(
        _ client: some TestClientProtocol, _ operation: String, _ input: [String: Any], kms: Bool = false
    ) async throws
        -> [String: Any]
    {
        let body = Array(try JSONSerialization.data(withJSONObject: input))
        return try await client.execute(
            uri: "/", method: .post,
            headers: ApplicationTests.signedHeaders(
                target: kms ? "TrentService.\(operation)" : "Logs_20140328.\(operation)", body: body,
                service: kms ? "kms" : "logs"),
            body: ByteBuffer(bytes: body)
        ) { response in
            let text = String(buffer: response.body)
            #expect(response.status == .ok, "\(operation): \(text)")
            return (try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]) ?? [:]
        }
    }

    @Test func mergesSmallChunksWithoutChangingWhatReadsSee() async throws {
        try await ApplicationTests.withApplication { client, dependencies, database in
            _ = try await Self.call(client, "CreateLogGroup", ["logGroupName": "/compact"])
            _ = try await Self.call(client, "CreateLogStream", ["logGroupName": "/compact", "logStreamName": "s"])
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            // Twelve batches, interleaved in time, so the merge must reorder.
            for batch in 0..<12 {
                let events = (0..<5).map { index -> [String: Any] in
                    ["timestamp": now - 60_000 + Int64(index * 12 + batch), "message": "b\(batch) e\(index)"]
                }
                _ = try await Self.call(
                    client, "PutLogEvents", ["logGroupName": "/compact", "logStreamName": "s", "logEvents": events])
            }
            let filter: [String: Any] = ["logGroupName": "/compact", "limit": 7]
            let before = try await Self.call(client, "FilterLogEvents", ["logGroupName": "/compact"])
            let firstPage = try await Self.call(client, "FilterLogEvents", filter)
            let token = try #require(firstPage["nextToken"] as? String)
            let getFirst = try await Self.call(
                client, "GetLogEvents",
                ["logGroupName": "/compact", "logStreamName": "s", "startFromHead": true, "limit": 10])

            let compactor = ChunkCompactor(logs: dependencies.logs, logger: TestDatabase.logger)
            #expect(try await compactor.compactOnce() == 12)
            for try await count in try await database.query("SELECT count(*) FROM event_chunks").decode(Int.self) {
                #expect(count == 1)
            }

            let after = try await Self.call(client, "FilterLogEvents", ["logGroupName": "/compact"])
            let eventsBefore = try #require(before["events"] as? [[String: Any]])
            let eventsAfter = try #require(after["events"] as? [[String: Any]])
            #expect(eventsBefore.count == 60)
            #expect(eventsAfter.map { $0["eventId"] as? String } == eventsBefore.map { $0["eventId"] as? String })
            #expect(eventsAfter.map { $0["message"] as? String } == eventsBefore.map { $0["message"] as? String })
            #expect(
                eventsAfter.map { $0["ingestionTime"] as? Int64 }
                    == eventsBefore.map { $0["ingestionTime"] as? Int64 })
            let timestamps = eventsAfter.compactMap { $0["timestamp"] as? Int64 }
            #expect(timestamps == timestamps.sorted())

            // Tokens taken before the merge continue exactly where they stopped.
            var rest = filter
            rest["nextToken"] = token
            rest["limit"] = 100
            let secondPage = try await Self.call(client, "FilterLogEvents", rest)
            let resumed =
                (firstPage["events"] as? [[String: Any]] ?? []) + (secondPage["events"] as? [[String: Any]] ?? [])
            #expect(resumed.map { $0["eventId"] as? String } == eventsBefore.map { $0["eventId"] as? String })
            let forward = try #require(getFirst["nextForwardToken"] as? String)
            let getNext = try await Self.call(
                client, "GetLogEvents",
                ["logGroupName": "/compact", "logStreamName": "s", "nextToken": forward, "limit": 10])
            let nextMessages = (getNext["events"] as? [[String: Any]] ?? []).compactMap { $0["message"] as? String }
            #expect(nextMessages == eventsBefore[10..<20].compactMap { $0["message"] as? String })
        }
    }

    @Test func aStreamWhoseKeyIsDisabledIsSkippedAndTheOthersAreCompacted() async throws {
        try await ApplicationTests.withApplication { client, dependencies, database in
            let key = try await Self.call(client, "CreateKey", [:], kms: true)
            let keyARN = try #require((key["KeyMetadata"] as? [String: Any])?["Arn"] as? String)
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            for (group, kmsKey) in [("/locked", keyARN), ("/open", nil)] {
                var create: [String: Any] = ["logGroupName": group]
                if let kmsKey { create["kmsKeyId"] = kmsKey }
                _ = try await Self.call(client, "CreateLogGroup", create)
                _ = try await Self.call(client, "CreateLogStream", ["logGroupName": group, "logStreamName": "s"])
                for batch in 0..<12 {
                    let events: [[String: Any]] = [["timestamp": now - 60_000 + Int64(batch), "message": "b\(batch)"]]
                    _ = try await Self.call(
                        client, "PutLogEvents", ["logGroupName": group, "logStreamName": "s", "logEvents": events])
                }
            }
            _ = try await Self.call(client, "DisableKey", ["KeyId": keyARN], kms: true)

            let compactor = ChunkCompactor(logs: dependencies.logs, logger: TestDatabase.logger)
            #expect(try await compactor.compactOnce() == 12)
            let rows = try await database.query(
                """
                SELECT g.name, count(*) FROM event_chunks c JOIN log_groups g USING (account_id, group_id)
                GROUP BY g.name ORDER BY g.name
                """)
            var chunks: [String: Int] = [:]
            for try await (name, count) in rows.decode((String, Int).self) { chunks[name] = count }
            #expect(chunks == ["/locked": 12, "/open": 1])
        }
    }
}
