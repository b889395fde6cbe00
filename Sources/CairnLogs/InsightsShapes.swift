import CairnInsights

/// Request and response shapes of the Logs Insights operations (Logs_20140328).
struct StartQueryRequest: Decodable {
    let queryLanguage: String?
    let logGroupName: String?
    let logGroupNames: [String]?
    let logGroupIdentifiers: [String]?
    let startTime: Int64?
    let endTime: Int64?
    let queryString: String?
    let limit: Int?
}

struct StartQueryResponse: Encodable {
    let queryId: String
}

struct QueryIDRequest: Decodable {
    let queryId: String?
}

struct GetQueryResultsRequest: Decodable {
    let queryId: String?
    let nextToken: String?
    let maxItems: Int?
}

struct QueryStatistics: Encodable {
    let recordsMatched: Double
    let recordsScanned: Double
    let estimatedRecordsSkipped: Double
    let bytesScanned: Double
    let estimatedBytesSkipped: Double
    let logGroupsScanned: Double
}

struct GetQueryResultsResponse: Encodable {
    let queryLanguage: String
    let results: [[ResultField]]
    let statistics: QueryStatistics
    let status: String
    let encryptionKey: String?
    let nextToken: String?
}

struct SuccessResponse: Encodable {
    let success: Bool
}

struct DescribeQueriesRequest: Decodable {
    let logGroupName: String?
    let status: String?
    let maxResults: Int?
    let nextToken: String?
    let queryLanguage: String?
}

struct QueryInfo: Encodable {
    let queryLanguage: String
    let queryId: String
    let queryString: String
    let status: String
    let createTime: Int64
    let logGroupName: String?
    let queryDuration: Int64?
    let bytesScanned: Double?
    let userIdentity: String
}

struct DescribeQueriesResponse: Encodable {
    let queries: [QueryInfo]
    let nextToken: String?
}

struct ListLogGroupsForQueryRequest: Decodable {
    let queryId: String?
    let nextToken: String?
    let maxResults: Int?
}

struct ListLogGroupsForQueryResponse: Encodable {
    let logGroupIdentifiers: [String]
    let nextToken: String?
}

struct QueryParameter: Codable {
    let name: String?
    let defaultValue: String?
    let description: String?
}

struct PutQueryDefinitionRequest: Decodable {
    let queryLanguage: String?
    let name: String?
    let queryDefinitionId: String?
    let logGroupNames: [String]?
    let queryString: String?
    let clientToken: String?
    let parameters: [QueryParameter]?
}

struct PutQueryDefinitionResponse: Encodable {
    let queryDefinitionId: String
}

struct DescribeQueryDefinitionsRequest: Decodable {
    let queryLanguage: String?
    let queryDefinitionNamePrefix: String?
    let maxResults: Int?
    let nextToken: String?
}

struct QueryDefinitionShape: Encodable {
    let queryLanguage: String
    let queryDefinitionId: String
    let name: String
    let queryString: String
    let lastModified: Int64
    let logGroupNames: [String]
    let parameters: [QueryParameter]?
}

struct DescribeQueryDefinitionsResponse: Encodable {
    let queryDefinitions: [QueryDefinitionShape]
    let nextToken: String?
}

struct QueryDefinitionIDRequest: Decodable {
    let queryDefinitionId: String?
}

struct GetLogGroupFieldsRequest: Decodable {
    let logGroupName: String?
    let time: Int64?
    let logGroupIdentifier: String?
}

struct LogGroupField: Encodable {
    let name: String
    let percent: Int
}

struct GetLogGroupFieldsResponse: Encodable {
    let logGroupFields: [LogGroupField]
}

struct GetLogRecordRequest: Decodable {
    let logRecordPointer: String?
    let unmask: Bool?
}

struct GetLogRecordResponse: Encodable {
    let logRecord: [String: String]
}
