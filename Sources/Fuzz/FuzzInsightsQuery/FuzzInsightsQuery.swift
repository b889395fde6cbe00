import CairnInsights

/// libFuzzer entry point for Logs Insights queries (StartQuery's `queryString`). A `QueryError` is the expected
/// answer to a malformed query, and it must point inside the query; a query that compiles is run over a few
/// events (JSON, key=value, text, an IP, nested arrays) and its results taken, partial and final. A trap, a failed
/// precondition, a stack overflow or a hang (libFuzzer's `-timeout`) is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzInsightsQuery(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let query = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let length = query.count
    do {
        let parsed = try QueryParser.parse(query)
        precondition(!parsed.commands.isEmpty)
    } catch {
        precondition(0 <= error.start && error.start < error.end && error.end <= max(length, 0) + 1)
        return 0
    }
    guard let plan = try? QueryPlan.compile(query, limit: 50) else { return 0 }
    let execution = QueryExecution(plan: plan, now: 1_796_378_400_000)
    for (index, message) in events.enumerated() {
        execution.add(
            LogRecord(
                timestamp: 1_796_378_400_000 + Int64(index) * 61_000, ingestionTime: 1_796_378_400_000,
                message: message, logStream: "s\(index % 2)", log: "111122223333:g",
                pointer: RecordPointer(source: 0, stream: 1, timestamp: 0, sequence: Int64(index))))
        if index == 2 { _ = execution.results { _ in "p" } }
    }
    execution.addCount(3, at: 1_796_378_400_000)
    precondition(execution.results { _ in "p" }.count <= 50)
    return 0
}

let events = [
    #"{"status":503,"path":"/a","user":{"name":"ann","ip":"10.0.0.1"},"tags":["x","y"],"latency_ms":12.5}"#,
    #"{"status":"200","path":"/b","tags":[],"nested":[[1,2],[3]],"@odd":true}"#,
    "path=/c status=404 ip=2001:db8::1 took=7",
    "ERROR something failed: code=42 user=\"bob smith\"",
    "",
    "[INFO] 2026-12-04T10:00:00Z svc=api msg=\"a | b\"",
]
