import ArgumentParser
import CairnFilter
import CairnInsights
import Foundation

/// `cairn bench insights`: the Logs Insights engine's per-event cost on one core, in one process, beside a
/// filter-pattern scan of the same JSON events (what FilterLogEvents does per event): events/s of each query
/// and its ratio to the scan. No PostgreSQL, no decryption: the figures isolate the engine.
struct InsightsBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "insights", abstract: "Logs Insights engine: events/s per query and ÷ a filter scan (one core).")
    @Option(help: "Seconds per measurement.") var seconds: Double = 3
    @Option(help: "Events in the corpus.") var events: Int = 100_000
    @Option(help: "Run only the queries that contain this text.") var only: String?

    static let queries = [
        "stats avg(latency_ms), pct(latency_ms, 99) by service",
        "stats count(*) by bin(5m)",
        "filter @message like /ERROR/ | stats count(*) by bin(1h)",
        "fields @timestamp, @message | filter http.status >= 500 | sort @timestamp desc | limit 20",
    ]

    func run() async throws {
        let messages = Self.corpus(count: events)
        let megabytes = Double(messages.reduce(0) { $0 + $1.count }) / 1_000_000
        print("corpus: \(messages.count) JSON events, \(String(format: "%.1f", megabytes)) MB")
        let scan = try FilterPattern(#"ERROR "connection reset""#)
        var matched = 0
        let scanRate =
            try BenchCommand.Parse.measure(seconds) {
                matched = 0
                for message in messages where scan.matches(message) { matched += 1 }
            } * Double(messages.count)
        print("scan (filter pattern terms): \(String(format: "%.0f", scanRate)) events/s, \(matched) matches")
        let base: Int64 = 1_764_000_000_000
        for query in Self.queries where only.map({ query.contains($0) }) ?? true {
            let plan = try QueryPlan.compile(query, limit: 1000)
            var rows = 0
            let rate =
                try BenchCommand.Parse.measure(seconds) {
                    let execution = QueryExecution(plan: plan, now: base)
                    for (index, message) in messages.enumerated() {
                        let time = base + Int64(index) * 10
                        execution.add(
                            LogRecord(
                                timestamp: time, ingestionTime: time, messageBytes: message, logStream: "app",
                                log: "111111111111:bench",
                                pointer: RecordPointer(source: 0, stream: 1, timestamp: time, sequence: Int64(index))))
                    }
                    rows = execution.results { _ in "" }.count
                } * Double(messages.count)
            print(
                "\(query): \(String(format: "%.0f", rate)) events/s, ÷ scan \(String(format: "%.2f", rate / scanRate)), "
                    + "\(rows) rows")
        }
    }

    /// JSON application logs shaped as the benchmark corpus's (`Benchmarks/corpus.py`), deterministic.
    static func corpus(count: Int) -> [ArraySlice<UInt8>] {
        var state: UInt64 = 11
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        let services = ["checkout", "cart", "search", "auth", "payments", "inventory", "shipping", "profile"]
        let levels = ["INFO", "INFO", "INFO", "DEBUG", "WARN", "ERROR"]
        let paths = ["/api/v2/items", "/orders/42", "/api/users/7", "/search?q=shoes", "/cart"]
        let texts = ["request done", "cache miss", "retrying upstream", "user logged in", "payment accepted"]
        return (0..<count).map { index in
            let level = levels[next(levels.count)]
            var line =
                #"{"timestamp":"2026-11-25T12:00:\#(String(format: "%02d", index % 60)).123Z","level":"\#(level)","#
                + #""service":"\#(services[min(next(8), next(8))])","trace_id":"\#(String(next(1 << 30), radix: 16))"#
                + #"\#(String(next(1 << 30), radix: 16))","message":"\#(texts[next(texts.count)])","#
                + #""http":{"method":"GET","path":"\#(paths[next(paths.count)])","status":\#([200, 200, 304, 404, 500][next(5)])},"#
                + #""latency_ms":\#(Double(next(100_000)) / 100),"user_id":"u\#(next(5000))""#
            if level == "ERROR" { line += #","error":{"type":"UpstreamTimeout","retries":\#(next(4))}"# }
            return Array((line + "}").utf8)[...]
        }
    }
}
