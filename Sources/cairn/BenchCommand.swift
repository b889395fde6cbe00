import ArgumentParser
import CairnLogs
import Foundation

/// `cairn bench parse`: the PutLogEvents byte scanner against Foundation's JSONDecoder, in one process,
/// on the same full-size bodies (as many realistic lines as fit in 1 MB).
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Micro-benchmarks that print figures.",
        subcommands: [Parse.self, FilterBenchCommand.self, QueueBenchCommand.self, InsightsBenchCommand.self])

    struct Parse: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "PutLogEvents parsing: byte scanner vs JSONDecoder (MB/s, events/s, ratio).")
        @Option(help: "Seconds per parser.") var seconds: Double = 5

        struct Body: Decodable {
            struct Event: Decodable {
                let timestamp: Int64
                let message: String
            }
            let logGroupName: String
            let logStreamName: String
            let logEvents: [Event]
        }

        func run() async throws {
            let body = Self.fullBatch()
            let (events, _) = try LogsService.scanPutLogEvents(body)
            let megabytes = Double(body.count) / 1_000_000
            print("body: \(body.count) bytes, \(events) events")
            let decoder = JSONDecoder()
            let foundation = try Self.measure(seconds) { _ = try decoder.decode(Body.self, from: Data(body)) }
            let scanner = try Self.measure(seconds) { _ = try LogsService.scanPutLogEvents(body) }
            for (name, perSecond) in [("JSONDecoder", foundation), ("byte scanner", scanner)] {
                print(
                    String(
                        format: "%@: %.1f MB/s, %.0f events/s", name, perSecond * megabytes, perSecond * Double(events))
                )
            }
            print(String(format: "ratio scanner / JSONDecoder: %.2f", scanner / foundation))
        }

        /// Bodies per second.
        static func measure(_ seconds: Double, _ body: () throws -> Void) throws -> Double {
            let clock = ContinuousClock()
            let start = clock.now
            var count = 0
            while clock.now - start < .milliseconds(Int(seconds * 1000)) {
                try body()
                count += 1
            }
            let elapsed = clock.now - start
            return Double(count) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        }

        /// A deterministic 1 MB batch of access-log and JSON lines, with quotes, slashes and non-ASCII text.
        static func fullBatch() -> [UInt8] {
            var state: UInt64 = 42
            func next(_ bound: Int) -> Int {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return Int((state >> 33) % UInt64(bound))
            }
            let paths = ["/api/v2/items", "/static/app.js", "/orders/42?page=3", "/users/ü/profile", "/health"]
            var json = #"{"logGroupName":"/bench/parse","logStreamName":"s","logEvents":["#
            var size = 0
            var count = 0
            while count < 10_000 {
                let line =
                    next(2) == 0
                    ? "10.0.\(next(255)).\(next(255)) - - [25/Nov/2026:12:00:00 +0000] \\\"GET \(paths[next(5)]) HTTP/1.1\\\" "
                        + "\([200, 304, 404, 500][next(4)]) \(next(90_000)) \\\"-\\\" \\\"Mozilla/5.0 (X11; Linux x86_64)\\\""
                    : #"{\"level\":\"INFO\",\"service\":\"checkout\",\"trace\":\"\#(next(1 << 30))\",\"msg\":\"request done ✓\",\"ms\":\#(next(900))}"#
                let cost = line.utf8.count + 26
                if size + cost > 1_048_576 { break }
                json += (count == 0 ? "" : ",") + #"{"timestamp":\#(1_795_600_000_000 + count),"message":"\#(line)"}"#
                size += cost
                count += 1
            }
            return Array((json + "]}").utf8)
        }
    }
}
