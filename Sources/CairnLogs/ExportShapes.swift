/// CreateExportTask, DescribeExportTasks and CancelExportTask, as the Logs_20140328 model shapes them.
struct CreateExportTaskRequest: Decodable {
    let taskName: String?
    let logGroupName: String?
    let logStreamNamePrefix: String?
    let from: Int64?
    let to: Int64?
    let destination: String?
    let destinationPrefix: String?
}

struct CreateExportTaskResponse: Encodable {
    let taskId: String
}

struct DescribeExportTasksRequest: Decodable {
    let taskId: String?
    let statusCode: String?
    let nextToken: String?
    let limit: Int?
}

struct DescribeExportTasksResponse: Encodable {
    let exportTasks: [ExportTaskShape]
    let nextToken: String?
}

struct ExportTaskShape: Encodable {
    struct Status: Encodable {
        let code: String
        let message: String?
    }

    struct ExecutionInfo: Encodable {
        let creationTime: Int64
        let completionTime: Int64?
    }

    let taskId: String
    let taskName: String?
    let logGroupName: String
    let from: Int64
    let to: Int64
    let destination: String
    let destinationPrefix: String
    let status: Status
    let executionInfo: ExecutionInfo
}

struct CancelExportTaskRequest: Decodable {
    let taskId: String?
}
