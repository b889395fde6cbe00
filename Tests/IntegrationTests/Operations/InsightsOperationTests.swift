import Testing

/// The Logs Insights operations through `buildApplication` with a query runner: a query runs on the queue and its
/// results, pointers, definitions and fields answer as AWS's do.
@Suite(.enabled(if: TestDatabase.available, "needs PostgreSQL"))
struct InsightsOperationTests {
    static let groupARN = LogsOperationTests.groupARN
    static let notFound = "ResourceNotFoundException"
    static let invalid = "InvalidParameterException"

    static func logs(_ name: String) -> String { "Logs_20140328." + name }

    static let queries: [ScriptedCall] = [
        Script.ok(logs("CreateLogGroup"), #"{"logGroupName":"/ops/a"}"#),
        Script.ok(logs("CreateLogStream"), #"{"logGroupName":"/ops/a","logStreamName":"s1"}"#),
        Script.ok(
            logs("PutLogEvents"),
            #"{"logGroupName":"/ops/a","logStreamName":"s1","logEvents":[{"timestamp":<<now>>,"message":"{\"status\":503,\"path\":\"/x\"}"}]}"#
        ),
        Script.ok(
            logs("StartQuery"),
            #"{"logGroupName":"/ops/a","startTime":<<hourAgo>>,"endTime":<<soon>>,"queryString":"filter status >= 500 | fields path"}"#,
            capture: ["query": ["queryId"]]),
        Script.fails(
            logs("StartQuery"),
            #"{"logGroupName":"/ops/a","startTime":0,"endTime":1,"queryString":"fields path | sort"}"#,
            "MalformedQueryException", message: "unexpected symbol found <EOF> at line 1 and position 18"),
        Script.eventually(
            logs("GetQueryResults"), #"{"queryId":"<<query>>"}"#,
            contains: [#""status":"Complete""#, #""value":"/x""#, #""recordsMatched":1"#],
            capture: ["pointer": ["results", "0", "1", "value"]]),
        Script.fails(logs("GetQueryResults"), #"{"queryId":"00000000-0000-0000-0000-000000000000"}"#, notFound),
        Script.ok(
            logs("GetLogRecord"), #"{"logRecordPointer":"<<pointer>>"}"#,
            contains: [#""path":"/x""#, #""@logStream":"s1""#]),
        Script.fails(logs("GetLogRecord"), #"{"logRecordPointer":"bogus"}"#, invalid),
        Script.ok(logs("DescribeQueries"), #"{"logGroupName":"/ops/a"}"#, contains: ["<<query>>"]),
        Script.fails(logs("DescribeQueries"), #"{"status":"Sleeping"}"#, invalid),
        Script.ok(logs("ListLogGroupsForQuery"), #"{"queryId":"<<query>>"}"#, contains: [groupARN]),
        Script.fails(logs("ListLogGroupsForQuery"), #"{"queryId":"<<query>>","maxResults":10}"#, invalid),
        Script.fails(logs("StopQuery"), #"{"queryId":"<<query>>"}"#, invalid),
        Script.ok(logs("GetLogGroupFields"), #"{"logGroupName":"/ops/a"}"#, contains: [#""name":"status""#]),
        Script.fails(logs("GetLogGroupFields"), #"{"logGroupName":"/ops/none"}"#, notFound),
    ]

    static let definitions: [ScriptedCall] = [
        Script.ok(
            logs("PutQueryDefinition"), #"{"name":"errors","queryString":"filter status >= 500"}"#,
            capture: ["definition": ["queryDefinitionId"]]),
        Script.fails(logs("PutQueryDefinition"), #"{"queryString":"fields a"}"#, invalid),
        Script.ok(
            logs("DescribeQueryDefinitions"), #"{"queryDefinitionNamePrefix":"err"}"#,
            contains: [#""queryDefinitionId":"<<definition>>""#, #""name":"errors""#]),
        Script.fails(logs("DescribeQueryDefinitions"), #"{"maxResults":0}"#, invalid),
        Script.ok(logs("DeleteQueryDefinition"), #"{"queryDefinitionId":"<<definition>>"}"#),
        Script.fails(logs("DeleteQueryDefinition"), #"{"queryDefinitionId":"<<definition>>"}"#, notFound),
    ]

    /// StopQuery of a query no runner has taken yet (with a runner, a query over nothing may complete first).
    static let stopping: [ScriptedCall] = [
        Script.ok(logs("CreateLogGroup"), #"{"logGroupName":"/ops/a"}"#),
        Script.ok(
            logs("StartQuery"),
            #"{"logGroupName":"/ops/a","startTime":0,"endTime":1,"queryString":"stats count(*)"}"#,
            capture: ["second": ["queryId"]]),
        Script.ok(logs("StopQuery"), #"{"queryId":"<<second>>"}"#, contains: [#""success":true"#]),
        Script.ok(logs("GetQueryResults"), #"{"queryId":"<<second>>"}"#, contains: [#""status":"Cancelled""#]),
    ]

    static let all = [queries, definitions, stopping]

    @Test(arguments: 0..<all.count) func script(_ index: Int) async throws {
        // `stopping` (the last) runs without a query runner.
        try await Script.run(Self.all[index], runningQueries: index != Self.all.count - 1)
    }
}
