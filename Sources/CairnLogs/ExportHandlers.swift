import CairnKeys
import CairnObjects
import CairnProtocol
import CairnQueue
import CairnStore
import Foundation
import PostgresNIO

/// CreateExportTask, DescribeExportTasks, CancelExportTask. A task is a row and a job on the `export-task` queue,
/// inserted in one transaction; `ExportRunner` writes the objects.
struct ExportHandlers: Sendable {
    let database: Database
    let pageToken: PageToken
    let groups: LogGroupStore
    let buckets: BucketDirectory
    let audit: AuditTrail

    static let defaultPrefix = "exportedlogs"
    static let statusCodes = ["CANCELLED", "COMPLETED", "FAILED", "PENDING", "PENDING_CANCEL", "RUNNING"]
    static let activeCodes = ["PENDING", "RUNNING", "PENDING_CANCEL"]

    func createExportTask(_ request: CreateExportTaskRequest, _ caller: Caller) async throws -> CreateExportTaskResponse
    {
        var validation = Validation()
        validation.string(request.taskName, "taskName", min: 1, max: 512)
        validation.logGroupName(request.logGroupName)
        validation.string(request.logStreamNamePrefix, "logStreamNamePrefix", min: 1, max: 512, pattern: .logStreamName)
        validation.required(request.from, "from")
        validation.number(request.from, "from", min: 0)
        validation.required(request.to, "to")
        validation.number(request.to, "to", min: 0)
        validation.required(request.destination, "destination")
        validation.string(request.destination, "destination", min: 1, max: 512)
        try validation.check()
        guard let groupName = request.logGroupName, let from = request.from, let to = request.to,
            let destination = request.destination
        else { throw AWSError.invalidParameter("logGroupName, from, to and destination are required.") }
        guard from < to else { throw AWSError.exportTimeRange }
        guard (request.destinationPrefix ?? "").utf8.count <= 1024 else { throw AWSError.exportPrefixTooLong }
        let group = try await groups.resolve(groupName, caller)
        try await endOrphanedExportTasks(caller)
        guard try await buckets.exists(account: caller.accountID, name: destination) else {
            throw AWSError.exportBucketMissing
        }
        let id = UUID()
        let now = LogsService.now()
        let payload = try ExportRunner.jobText(ExportRunner.ExportJob(account: caller.accountID, task: id))
        try await database.transaction { connection in
            let rows = try await connection.query(
                """
                INSERT INTO export_tasks (account_id, region, task_id, task_name, group_id, log_group_name,
                    stream_prefix, from_time, to_time, destination, destination_prefix, status, status_message,
                    created_at)
                VALUES (\(caller.accountID), \(caller.region), \(id), \(request.taskName), \(group.id), \(groupName),
                    \(request.logStreamNamePrefix), \(from), \(to), \(destination), \(request.destinationPrefix),
                    'PENDING', NULL, \(now))
                ON CONFLICT DO NOTHING RETURNING 1
                """, logger: database.logger)
            var inserted = false
            for try await _ in rows.decode(Int.self) { inserted = true }
            guard inserted else { throw AWSError.limitExceeded() }
            try await JobQueue.enqueue(
                ExportRunner.queue, payloads: [payload], tenant: caller.accountID, policy: ExportRunner.policy,
                on: connection, logger: database.logger)
        }
        await audit.record(
            account: caller.accountID, region: caller.region, principal: caller.userARN,
            operation: "logs:CreateExportTask", keyARN: nil,
            outcome: "export task \(Self.text(id)) of \(groupName) to bucket \(destination)")
        return CreateExportTaskResponse(taskId: Self.text(id))
    }

    func describeExportTasks(
        _ request: DescribeExportTasksRequest, _ caller: Caller
    ) async throws -> DescribeExportTasksResponse {
        var validation = Validation()
        validation.string(request.taskId, "taskId", min: 1, max: 512)
        validation.oneOf(request.statusCode, "statusCode", Self.statusCodes)
        validation.string(request.nextToken, "nextToken", min: 1)
        validation.number(request.limit, "limit", min: 1, max: 50)
        try validation.check()
        let operation = "DescribeExportTasks"
        var after: (Int64, UUID)?
        if let token = request.nextToken {
            let position = try pageToken.read(token, operation: operation, caller: caller, fields: 2)
            guard let time = Int64(position[0]), let id = UUID(uuidString: position[1]) else {
                throw AWSError.invalidNextToken
            }
            after = (time, id)
        }
        var onlyID: UUID?
        if let text = request.taskId {
            guard let id = UUID(uuidString: text) else {
                return DescribeExportTasksResponse(exportTasks: [], nextToken: nil)
            }
            onlyID = id
        }
        let limit = request.limit ?? 50
        try await endOrphanedExportTasks(caller)
        let rows = try await database.query(
            """
            SELECT task_id, task_name, log_group_name, from_time, to_time, destination, destination_prefix, status,
                status_message, created_at, completed_at
            FROM export_tasks
            WHERE account_id = \(caller.accountID) AND region = \(caller.region)
              AND (\(onlyID)::uuid IS NULL OR task_id = \(onlyID))
              AND (\(request.statusCode)::text IS NULL OR status = \(request.statusCode))
              AND (\(after?.0)::bigint IS NULL OR (created_at, task_id) < (\(after?.0), \(after?.1)))
            ORDER BY created_at DESC, task_id DESC LIMIT \(limit + 1)
            """)
        var tasks: [(Int64, UUID, ExportTaskShape)] = []
        for try await row in rows.decode(
            (UUID, String?, String, Int64, Int64, String, String?, String, String?, Int64, Int64?).self)
        {
            let (id, name, group, from, to, destination, prefix, status, message, created, completed) = row
            tasks.append(
                (
                    created, id,
                    ExportTaskShape(
                        taskId: Self.text(id), taskName: name, logGroupName: group, from: from, to: to,
                        destination: destination, destinationPrefix: prefix ?? Self.defaultPrefix,
                        status: .init(code: status, message: message),
                        executionInfo: .init(creationTime: created, completionTime: completed))
                ))
        }
        let page = tasks.prefix(limit)
        let next =
            tasks.count > limit
            ? page.last.map {
                pageToken.make(["\($0.0)", $0.1.uuidString], operation: operation, caller: caller)
            } : nil
        return DescribeExportTasksResponse(exportTasks: page.map(\.2), nextToken: next)
    }

    /// A pending task is cancelled at once; a running one is asked to stop (`PENDING_CANCEL`), which its worker
    /// notices within about a second and makes `CANCELLED`.
    func cancelExportTask(_ request: CancelExportTaskRequest, _ caller: Caller) async throws -> EmptyResponse {
        var validation = Validation()
        validation.required(request.taskId, "taskId")
        validation.string(request.taskId, "taskId", min: 1, max: 512)
        try validation.check()
        guard let id = request.taskId.flatMap(UUID.init(uuidString:)) else { throw AWSError.exportTaskNotFound }
        try await endOrphanedExportTasks(caller)
        let now = LogsService.now()
        let rows = try await database.query(
            """
            WITH task AS (
                SELECT status FROM export_tasks
                WHERE account_id = \(caller.accountID) AND region = \(caller.region) AND task_id = \(id) FOR UPDATE
            ), changed AS (
                UPDATE export_tasks SET
                    status = CASE status WHEN 'PENDING' THEN 'CANCELLED' ELSE 'PENDING_CANCEL' END,
                    status_message = CASE status WHEN 'PENDING' THEN 'Cancelled by user' ELSE status_message END,
                    completed_at = CASE status WHEN 'PENDING' THEN \(now) ELSE completed_at END
                WHERE account_id = \(caller.accountID) AND region = \(caller.region) AND task_id = \(id)
                  AND status IN ('PENDING', 'RUNNING')
                RETURNING status
            )
            SELECT (SELECT status FROM task), (SELECT status FROM changed)
            """)
        for try await (before, after) in rows.decode((String?, String?).self) {
            guard let before else { throw AWSError.exportTaskNotFound }
            guard after != nil || before == "PENDING_CANCEL" else { throw AWSError.exportTaskFinished }
        }
        await audit.record(
            account: caller.accountID, region: caller.region, principal: caller.userARN,
            operation: "logs:CancelExportTask", keyARN: nil, outcome: "export task \(Self.text(id)) cancelled")
        return EmptyResponse()
    }

    static func text(_ id: UUID) -> String { id.uuidString.lowercased() }

    /// Ends the caller's active tasks whose job is gone (it ran out of attempts and went to the dead letters, or an
    /// operator removed it): no worker will ever finish them, so they fail (or, asked to stop, are cancelled) rather
    /// than stay active and hold the account's one export slot.
    func endOrphanedExportTasks(_ caller: Caller) async throws {
        let rows = try await database.query(
            """
            UPDATE export_tasks t SET
                status = CASE status WHEN 'PENDING_CANCEL' THEN 'CANCELLED' ELSE 'FAILED' END,
                status_message = CASE status WHEN 'PENDING_CANCEL' THEN 'Cancelled by user' ELSE \(Self.internalError) END,
                completed_at = \(LogsService.now())
            WHERE account_id = \(caller.accountID) AND status IN ('PENDING', 'RUNNING', 'PENDING_CANCEL')
              AND NOT EXISTS (
                  SELECT 1 FROM jobs j WHERE j.queue = \(ExportRunner.queue) AND j.tenant = t.account_id
                    AND j.payload->>'task' = upper(t.task_id::text))
            RETURNING task_id, region, status
            """)
        for try await (id, region, status) in rows.decode((UUID, String, String).self) {
            await audit.record(
                account: caller.accountID, region: region, principal: AuditTrail.logsPrincipal,
                operation: "logs:ExportTask", keyARN: nil,
                outcome: "export task \(Self.text(id)) \(status.lowercased()): its job ran out of attempts")
        }
    }

    /// What a task that failed for a reason of Cairn's own says (the reason goes to the server's log).
    static let internalError = "Internal error."
}

extension AWSError {
    static let exportTaskNotFound = AWSError.resourceNotFound("The specified export task does not exist.")
    static let exportTimeRange = AWSError.invalidParameter(
        "Specified time range is invalid. Please make sure the values are within the retention period of the log "
            + "groups and from value is lesser than the to value")
    static let exportPrefixTooLong = AWSError.invalidParameter(
        "The destinationPrefix is longer than the 1,024 bytes an object key may have.")
    static let exportBucketMissing = AWSError.invalidParameter(
        "The given bucket does not exist. Please make sure the bucket is valid.")
    static let exportBucketUnusable = AWSError.invalidParameter(
        "GetBucketAcl call on the given bucket failed. Please check if CloudWatch Logs has been granted permission "
            + "to perform this operation.")
    static let exportTaskFinished = AWSError(
        "InvalidOperationException", "The specified export task has already finished")
}
