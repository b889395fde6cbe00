import CairnChunks
import CairnProtocol
import CairnServer
import CairnStore
import Foundation
import HummingbirdTesting
import NIOCore
import PostgresNIO
import Testing

@testable import CairnLogs

/// A scan that stops on its chunk budget must still make progress when many chunks share one time span.
@Suite(.enabled(if: TestDatabase.available, "needs PostgreSQL: CAIRN_TEST_DATABASE_URL or an installed server"))
struct ScanBudgetTests {
    enum Budget: CaseIterable { case chunks, bytes, time }

    /// Every budget — chunks, decompressed bytes, time — stops a scan that then resumes from its token.
    @Test(arguments: Budget.allCases) func budgetedScansResumeWithoutRepeatingOrLosingEvents(
        _ budget: Budget
    )
        async throws
    {
        try await ApplicationTests.withApplication { client, dependencies, database in
            _ = try await CompactionTests.call(client, "CreateLogGroup", ["logGroupName": "/budget"])
            _ = try await CompactionTests.call(
                client, "CreateLogStream", ["logGroupName": "/budget", "logStreamName": "s"])
            let now = Int64(Date().timeIntervalSince1970 * 1000) - 60_000
            // 150 chunks (more than two pages of the scan) over the very same two milliseconds.
            for batch in 0..<150 {
                let events: [[String: Any]] = [
                    ["timestamp": now, "message": "b\(batch) first"],
                    ["timestamp": now + 1, "message": "b\(batch) second"],
                ]
                _ = try await CompactionTests.call(
                    client, "PutLogEvents", ["logGroupName": "/budget", "logStreamName": "s", "logEvents": events])
            }
            var streams: [Int64] = []
            var group: Int64 = 0
            for try await (stream, owner) in try await database.query("SELECT stream_id, group_id FROM log_streams")
                .decode((Int64, Int64).self)
            {
                streams.append(stream)
                group = owner
            }
            let reader = dependencies.logs.chunks
            var seen: [String] = []
            var after: EventKey?
            var calls = 0
            while calls < 50 {
                calls += 1
                var scan = ChunkStore.Scan(
                    account: "444455556666", group: group, streams: streams, start: 0, end: .max, forward: true,
                    limit: 10_000)
                switch budget {
                case .chunks: scan.chunkBudget = 3
                case .bytes: scan.byteBudget = 1
                case .time: scan.deadline = .now  // spent before the first page is read
                }
                scan.after = after
                let result = try await reader.read(scan)
                seen += result.events.map { String(decoding: $0.message, as: UTF8.self) }
                guard let frontier = result.frontier else { break }
                after = result.events.last?.key ?? EventKey(timestamp: frontier - 1, streamID: .max, sequence: .max)
            }
            #expect(calls > 1, "the budget never stopped a scan")
            #expect(calls < 50)
            #expect(seen.count == 300)
            #expect(Set(seen).count == 300)
        }
    }
}
