import ArgumentParser
import CairnFilter
import Foundation

/// `cairn bench filter`: filter-pattern matching throughput per pattern family on one core.
struct FilterBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "filter", abstract: "Filter-pattern matching: events/s per pattern family (single core).")
    @Option(help: "Seconds per pattern.") var seconds: Double = 3

    static let patterns: [(family: String, pattern: String)] = [
        ("terms", #"ERROR "connection reset""#),
        ("any/exclude", "?ERROR ?WARN -health"),
        ("regex", #"%\s5\d\d\s\d+%"#),
        ("JSON", #"{ $.level = "ERROR" && $.ms > 500 }"#),
        ("JSON nested", #"{ $.http.status >= 500 || $.http.path = "/api/*" }"#),
        ("space-delimited", "[ip, id, user, timestamp, request, status = 5*, bytes > 1000, ...]"),
    ]

    func run() async throws {
        let events = Self.corpus(count: 100_000)
        let megabytes = Double(events.reduce(0) { $0 + $1.count }) / 1_000_000
        print("corpus: \(events.count) events, \(String(format: "%.1f", megabytes)) MB (access log, JSON, text)")
        for (family, text) in Self.patterns {
            let pattern = try FilterPattern(text)
            var matched = 0
            let passes = try BenchCommand.Parse.measure(seconds) {
                matched = 0
                for event in events where pattern.matches(event) { matched += 1 }
            }
            let rate = passes * Double(events.count)
            print(
                "\(family): \(String(format: "%.0f", rate)) events/s, "
                    + "\(String(format: "%.1f", passes * megabytes)) MB/s, \(matched) matches — \(text)")
        }
    }

    /// A deterministic mix: a third access-log lines, a third JSON application logs, a third plain text.
    static func corpus(count: Int) -> [ArraySlice<UInt8>] {
        var state: UInt64 = 7
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        let paths = ["/api/v2/items", "/static/app.js", "/orders/42?page=3", "/health", "/api/users"]
        let levels = ["INFO", "INFO", "INFO", "DEBUG", "WARN", "ERROR"]
        return (0..<count).map { index in
            let line: String
            switch index % 3 {
            case 0:
                line =
                    "10.0.\(next(255)).\(next(255)) - - [25/Nov/2026:12:00:00 +0000] \"GET \(paths[next(5)]) HTTP/1.1\" "
                    + "\([200, 200, 304, 404, 500, 503][next(6)]) \(next(90_000)) \"-\" \"Mozilla/5.0 (X11; Linux x86_64)\""
            case 1:
                line =
                    #"{"level":"\#(levels[next(6)])","service":"checkout","trace":"\#(next(1 << 30))","#
                    + #""http":{"path":"\#(paths[next(5)])","status":\#([200, 404, 500][next(3)])},"#
                    + #""msg":"request done","ms":\#(next(900))}"#
            default:
                line =
                    "\(levels[next(6)]) worker-\(next(16)) \(["connection reset by peer", "job finished", "cache warm", "retrying upstream"][next(4)]) after \(next(500)) ms"
            }
            return ArraySlice(line.utf8)
        }
    }
}
