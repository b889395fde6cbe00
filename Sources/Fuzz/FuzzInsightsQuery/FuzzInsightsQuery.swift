import CairnInsights

/// libFuzzer entry point for Logs Insights queries (StartQuery's `queryString`). A `QueryError` is the expected
/// answer to a malformed query, and it must point inside the query; a trap, a failed precondition, a stack
/// overflow or a hang (libFuzzer's `-timeout`) is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzInsightsQuery(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let query = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let length = query.count
    do {
        let parsed = try QueryParser.parse(query)
        precondition(!parsed.commands.isEmpty)
    } catch {
        precondition(0 <= error.start && error.start < error.end && error.end <= max(length, 0) + 1)
    }
    return 0
}
