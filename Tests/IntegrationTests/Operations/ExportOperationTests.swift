import CairnCrypto
import CairnLogs
import CairnObjects
import CairnServer
import CairnStore
import Foundation
import PostgresNIO
import ServiceLifecycle
import Testing

/// The export operations through `buildApplication`, with an `ExportRunner` beside the API writing to a directory
/// bucket: the objects are AWS's layout, and the errors AWS's types.
@Suite(.enabled(if: TestDatabase.available, "needs PostgreSQL"))
struct ExportOperationTests {
    static let invalid = "InvalidParameterException"

    static func logs(_ name: String) -> String { "Logs_20140328." + name }

    static let exporting: [ScriptedCall] = [
        Script.ok(logs("CreateLogGroup"), #"{"logGroupName":"/ops/export"}"#),
        Script.ok(logs("CreateLogStream"), #"{"logGroupName":"/ops/export","logStreamName":"web/1"}"#),
        Script.ok(
            logs("PutLogEvents"),
            #"{"logGroupName":"/ops/export","logStreamName":"web/1","logEvents":[{"timestamp":1796382671123,"message":"first line"},{"timestamp":1796382672000,"message":"second ü"}]}"#
        ),
        Script.ok(
            logs("CreateExportTask"),
            #"{"logGroupName":"/ops/export","from":0,"to":1796382672000,"destination":"ops-bucket","destinationPrefix":"out"}"#,
            capture: ["task": ["taskId"]]),
        Script.fails(
            logs("CreateExportTask"), #"{"logGroupName":"/ops/export","from":0,"to":1,"destination":"nowhere"}"#,
            invalid),
        Script.eventually(
            logs("DescribeExportTasks"), #"{"taskId":"<<task>>"}"#,
            contains: [#""code":"COMPLETED""#, #""destinationPrefix":"out""#, #""completionTime":"#]),
        Script.fails(logs("DescribeExportTasks"), #"{"limit":51}"#, invalid),
        Script.fails(logs("CancelExportTask"), #"{"taskId":"<<task>>"}"#, "InvalidOperationException"),
    ]

    /// Without a runner, a task stays pending: a second one is over the limit, and cancelling it works at once.
    static let cancelling: [ScriptedCall] = [
        Script.ok(logs("CreateLogGroup"), #"{"logGroupName":"/ops/export"}"#),
        Script.ok(
            logs("CreateExportTask"), #"{"logGroupName":"/ops/export","from":0,"to":1,"destination":"ops-bucket"}"#,
            capture: ["task": ["taskId"]]),
        Script.fails(
            logs("CreateExportTask"), #"{"logGroupName":"/ops/export","from":0,"to":1,"destination":"ops-bucket"}"#,
            "LimitExceededException"),
        Script.ok(logs("CancelExportTask"), #"{"taskId":"<<task>>"}"#),
        Script.ok(
            logs("DescribeExportTasks"), #"{"statusCode":"CANCELLED"}"#,
            contains: [#""taskId":"<<task>>""#, #""destinationPrefix":"exportedlogs""#]),
        Script.fails(
            logs("CancelExportTask"), #"{"taskId":"00000000-0000-0000-0000-000000000000"}"#,
            "ResourceNotFoundException"),
    ]

    /// A task whose job is gone (its attempts spent, it went to the dead letters) fails instead of holding the
    /// account's one export slot forever.
    static let orphaned: [ScriptedCall] = [
        Script.ok(logs("CreateLogGroup"), #"{"logGroupName":"/ops/export"}"#),
        Script.ok(
            logs("CreateExportTask"), #"{"logGroupName":"/ops/export","from":0,"to":1,"destination":"ops-bucket"}"#,
            capture: ["task": ["taskId"]]),
        Script.eventually(
            logs("DescribeExportTasks"), #"{"taskId":"<<task>>"}"#,
            contains: [#""code":"FAILED""#, #""message":"Internal error.""#]),
        Script.ok(
            logs("CreateExportTask"), #"{"logGroupName":"/ops/export","from":0,"to":1,"destination":"ops-bucket"}"#),
        Script.fails(
            logs("CreateExportTask"), #"{"logGroupName":"/ops/export","from":5,"to":5,"destination":"ops-bucket"}"#,
            invalid,
            message:
                "Specified time range is invalid. Please make sure the values are within the retention period of the "
                + "log groups and from value is lesser than the to value"),
    ]

    static let all = [exporting, cancelling, orphaned]

    @Test func aTaskWritesAWSsLayoutAndTheScriptsAnswer() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-export-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        try await Script.run(
            Self.exporting,
            setUp: { dependencies in
                _ = try await dependencies.logs.buckets.addDirectory(
                    account: "444455556666", name: "ops-bucket", directory: directory.path)
            },
            worker: { dependencies in ExportRunner(logs: dependencies.logs, logger: TestDatabase.logger) })
        let test = try String(contentsOf: directory.appendingPathComponent("out/aws-logs-write-test"), encoding: .utf8)
        #expect(test == "Permission Check Successful")
        let tasks = try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("out").path)
            .filter { $0 != "aws-logs-write-test" }
        let task = try #require(tasks.first)
        let object = directory.appendingPathComponent("out/\(task)/web/1/000000.gz")
        let lines = String(
            decoding: try Gzip.decompress(Array(try Data(contentsOf: object)), limit: 1 << 20), as: UTF8.self)
        #expect(lines == "2026-12-04T11:11:11.123Z first line\n2026-12-04T11:11:12.000Z second ü\n")
    }

    @Test func aPendingTaskIsCancelledAtOnce() async throws {
        try await Script.run(
            Self.cancelling,
            setUp: { dependencies in
                _ = try await dependencies.logs.buckets.addDirectory(
                    account: "444455556666", name: "ops-bucket", directory: "/nonexistent")
            })
    }

    @Test func aTaskWhoseJobIsDeadFails() async throws {
        try await Script.run(
            Self.orphaned,
            setUp: { dependencies in
                _ = try await dependencies.logs.buckets.addDirectory(
                    account: "444455556666", name: "ops-bucket", directory: "/nonexistent")
            },
            worker: { dependencies in DeadLetteringExports(database: dependencies.database) })
    }
}

/// Moves every export job to the dead letters as soon as it exists, as spent attempts would.
struct DeadLetteringExports: Service {
    let database: Database

    func run() async throws {
        while !Task.isCancelled {
            try await database.query(
                """
                WITH gone AS (DELETE FROM jobs WHERE queue = \(ExportRunner.queue) RETURNING *)
                INSERT INTO dead_jobs (job_id, queue, payload, ordering_key, tenant, attempts, max_attempts,
                    created_at, failed_at, last_error)
                SELECT job_id, queue, payload, ordering_key, tenant, attempts, max_attempts, created_at, 0, 'spent'
                FROM gone
                """)
            try? await Task.sleep(for: .milliseconds(50))
        }
    }
}
