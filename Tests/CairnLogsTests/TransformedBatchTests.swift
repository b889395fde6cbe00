import CairnChunks
import CairnProtection
import CairnProtocol
import CairnTransform
import Foundation
import Testing

@testable import CairnLogs

/// A batch's transformed versions, written into one buffer as ingestion makes them.
@Suite struct TransformedBatchTests {
    let caller = Caller(accountID: "123456789012", region: "us-west-2", accessKeyID: "AKIAX", role: .admin)

    static func transformer(_ config: String) throws -> Transformer {
        try Transformer(TransformerConfiguration(JSONDecoder().decode([Processor].self, from: Data(config.utf8))))
    }

    static func request(_ messages: [String]) throws -> PutLogEventsRequest {
        let events = messages.map { message in
            let encoded = String(decoding: try! JSONEncoder().encode(message), as: UTF8.self)
            return #"{"timestamp":1,"message":\#(encoded)}"#
        }
        let body = #"{"logGroupName":"g","logStreamName":"s","logEvents":[\#(events.joined(separator: ","))]}"#
        return try PutLogEventsRequest.parse(Array(body.utf8))
    }

    @Test func eachVersionIsWhatTheTransformerMakesOfItsEvent() throws {
        let transformer = try Self.transformer(#"[{"grok":{"match":"%{WORD:level} %{GREEDYDATA:rest}"}}]"#)
        let messages = ["INFO started", "no-match", "WARN \"quoted\" \u{1}"]
        let batch = LogEventHandlers.transform(
            try Self.request(messages), accepted: 0..<3, with: transformer, masker: nil, searches: SearchBudget(),
            caller)
        let context = TransformContext(
            logGroupName: "g", logStreamName: "s", accountID: caller.accountID, region: caller.region)
        for (index, message) in messages.enumerated() {
            let alone = transformer.transform(message, context: context)
            #expect(Array(batch.versions[index].bytes) == alone.bytes)
            #expect(batch.versions[index].failed == alone.failed)
        }
        #expect(batch.versions.map(\.failed) == [false, true, false])
    }

    /// One request's versions together stop at 16 MB: escaping makes each control character six bytes, so
    /// seventeen events of about 60 KB, each multiplied seventeen times, pass it, and the seventeenth fails alone.
    @Test func versionsPastTheBatchLimitFail() throws {
        let message = #"{"s":""# + String(repeating: #"\u0001"#, count: 10_000) + #""}"#
        let to = "$0" + String(repeating: #"\u0001"#, count: 16)
        let transformer = try Self.transformer(
            #"[{"parseJSON":{}},{"substituteString":{"entries":[{"source":"s","from":"\u0001","to":"\#(to)"}]}}]"#)
        let batch = LogEventHandlers.transform(
            try Self.request(Array(repeating: message, count: 17)), accepted: 0..<17, with: transformer, masker: nil,
            searches: SearchBudget(), caller)
        #expect(batch.versions.map(\.failed) == Array(repeating: false, count: 16) + [true])
        #expect(batch.versions[0].bytes.count == 170_000 * 6 + 8)
        #expect(String(decoding: batch.versions[16].bytes, as: UTF8.self) == TransformOutcome.batchLimitFailure)
        #expect(batch.byteCount <= TransformedBatch.maximumBatchBytes)
    }
}
