import CairnProtocol
import CairnServer
import CairnStore
import Foundation
import PostgresNIO
import Testing

/// Requests that once crashed the process (a stack overflow on deep nesting, a trapped conversion or overflow on
/// out-of-range numbers) get AWS's error answers through the operations as the server runs them, and the
/// server goes on serving.
@Suite(.enabled(if: TestDatabase.available, "needs PostgreSQL: CAIRN_TEST_DATABASE_URL or an installed server"))
struct HostileInputTests {
    static let account = "444455556666"
    static let caller = Caller(accountID: account, region: "us-east-1", accessKeyID: "AKIAHOSTILE", role: .admin)

    static func deepObjects(_ levels: Int) -> String {
        String(repeating: #"{"a":"#, count: levels) + "1" + String(repeating: "}", count: levels)
    }

    static func withRegistry(_ body: @Sendable (OperationRegistry) async throws -> Void) async throws {
        let rootKey = try TestDatabase.rootKey()
        try await TestDatabase.withFreshDatabase { database in
            try await database.query("INSERT INTO accounts (account_id, name) VALUES (\(account), 'hostile')")
            try await body(
                ApplicationDependencies(database: database, rootKey: rootKey, migrations: [], metrics: nil).registry)
        }
    }

    static func call(
        _ registry: OperationRegistry, _ target: String, _ body: String, format: WireFormat = .json11
    ) async throws -> [UInt8] {
        let operation = try #require(registry.operation(target: target))
        return try await operation.invoke(body: Array(body.utf8), format: format, caller: caller)
    }

    static func error(
        _ registry: OperationRegistry, _ target: String, _ body: [UInt8], format: WireFormat = .json11
    ) async throws -> AWSError? {
        let operation = try #require(registry.operation(target: target))
        do {
            _ = try await operation.invoke(body: body, format: format, caller: caller)
            return nil
        } catch let error as AWSError {
            return error
        }
    }

    @Test func deepBodiesAreSerializationErrors() async throws {
        try await Self.withRegistry { registry in
            let deep = Self.deepObjects(50_000)
            for (target, format) in [
                ("Logs_20140328.PutLogEvents", WireFormat.json11), ("Logs_20140328.CreateLogGroup", .json11),
                ("TrentService.CreateKey", .json11), ("TrentService.Decrypt", .json11),
                ("GraniteServiceVersion20100801.PutMetricData", .json10),
            ] {
                let body = Array((#"{"logGroupName":"g","logStreamName":"s","Extra":"# + deep + "}").utf8)
                let error = try await Self.error(registry, target, body, format: format)
                #expect(error == NestingLimit.tooDeep, "\(target)")
            }
            let cbor = [0xa1, 0x61, 0x61] + [UInt8](repeating: 0x81, count: 50_000) + [0x00]
            let error = try await Self.error(
                registry, "GraniteServiceVersion20100801.PutMetricData", cbor, format: .cbor)
            #expect(error?.code == "SerializationException")
            // The server still answers.
            _ = try await Self.call(registry, "Logs_20140328.CreateLogGroup", #"{"logGroupName":"still-here"}"#)
        }
    }

    @Test func deepPoliciesAreMalformed() async throws {
        try await Self.withRegistry { registry in
            let deepPolicy = #"{"Statement":[],"Condition":"# + Self.deepObjects(1000) + "}"
            let body = try JSONSerialization.data(withJSONObject: ["Policy": deepPolicy])
            let error = try await Self.error(registry, "TrentService.CreateKey", Array(body))
            #expect(
                error
                    == AWSError(
                        "MalformedPolicyDocumentException",
                        "The new key policy is not valid: The policy nests deeper than \(NestingLimit.maximumDepth) levels."
                    ))
            #expect(
                try await Self.error(registry, "TrentService.CreateKey", Array(#"{"Policy":"{\"a\":"}"#.utf8))
                    == AWSError(
                        "MalformedPolicyDocumentException",
                        "The new key policy is not valid: The policy is not a JSON object."))

            let destination = try JSONSerialization.data(withJSONObject: [
                "destinationName": "d", "accessPolicy": deepPolicy,
            ])
            #expect(
                try await Self.error(registry, "Logs_20140328.PutDestinationPolicy", Array(destination))
                    == AWSError.invalidParameter(
                        "The access policy is not valid: The policy nests deeper than \(NestingLimit.maximumDepth) levels."
                    ))
        }
    }

    @Test func deepFilterPatternsAreInvalidParameters() async throws {
        try await Self.withRegistry { registry in
            _ = try await Self.call(registry, "Logs_20140328.CreateLogGroup", #"{"logGroupName":"g"}"#)
            let levels = NestingLimit.maximumDepth + 1
            let pattern =
                "{ " + String(repeating: "(", count: levels) + "$.a = 1" + String(repeating: ")", count: levels)
                + " }"
            let body = try JSONSerialization.data(withJSONObject: ["logGroupName": "g", "filterPattern": pattern])
            let error = try await Self.error(registry, "Logs_20140328.FilterLogEvents", Array(body))
            #expect(error?.code == "InvalidParameterException")
            #expect(error?.message.contains("nest deeper than \(NestingLimit.maximumDepth) levels") == true)
        }
    }

    static let getStatistics = "GraniteServiceVersion20100801.GetMetricStatistics"
    static let putData = "GraniteServiceVersion20100801.PutMetricData"

    @Test func outOfRangeMetricNumbersAreInvalidValues() async throws {
        try await Self.withRegistry { registry in
            let now = Int64(Date().timeIntervalSince1970)
            let statistics = #""Namespace":"App","MetricName":"M","Statistics":["Sum"]"#
            for (members, member) in [
                (#""StartTime":1e300,"EndTime":2e300,"Period":60"#, "StartTime"),
                (#""StartTime":0,"EndTime":1e19,"Period":60"#, "EndTime"),
                (#""StartTime":\#(now - 60),"EndTime":\#(now),"Period":9223372036854775807"#, "Period"),
                (#""StartTime":\#(now - 60),"EndTime":\#(now),"Period":9223372036854775800"#, "Period"),
            ] {
                let error = try await Self.error(
                    registry, Self.getStatistics, Array("{\(statistics),\(members)}".utf8), format: .json10)
                #expect(error?.code == "InvalidParameterValueException", "\(members)")
                #expect(error?.message.contains("parameter \(member) is invalid") == true, "\(members)")
            }
            // The same through CBOR, where a timestamp is tag 1 around a double.
            let cbor = CBOR.encode(
                .map([
                    "Namespace": .string("App"), "MetricName": .string("M"), "Statistics": .list([.string("Sum")]),
                    "StartTime": .timestamp(1e300), "EndTime": .timestamp(.greatestFiniteMagnitude),
                    "Period": .integer(60),
                ]))
            #expect(
                try await Self.error(registry, Self.getStatistics, cbor, format: .cbor)?.code
                    == "InvalidParameterValueException")

            for datum in [#""Value":1e300"#, #""Values":[1,1e200]"#] {
                let error = try await Self.error(
                    registry, Self.putData,
                    Array(#"{"Namespace":"App","MetricData":[{"MetricName":"M",\#(datum)}]}"#.utf8), format: .json10)
                #expect(error?.code == "InvalidParameterValueException", "\(datum)")
            }
        }
    }

    /// A count of 1e19 is a valid count: it is stored and read back, where converting it to an Int trapped.
    @Test func hugeCountsAreStoredAndReadBack() async throws {
        try await Self.withRegistry { registry in
            let now = Int64(Date().timeIntervalSince1970)
            let datum = #"{"MetricName":"M","Timestamp":\#(now),"Values":[2,3],"Counts":[1e19,1]}"#
            _ = try await Self.call(
                registry, Self.putData, #"{"Namespace":"App","MetricData":[\#(datum)]}"#, format: .json10)
            let output = try await Self.call(
                registry, Self.getStatistics,
                #"{"Namespace":"App","MetricName":"M","StartTime":\#(now - 3600),"EndTime":\#(now + 3600),"#
                    + #""Period":3600,"Statistics":["SampleCount","Sum","Maximum"]}"#,
                format: .json10)
            let datapoints = try #require(try Document.fromJSON(output)["Datapoints"]?.list)
            #expect(datapoints.count == 1)
            #expect(datapoints.first?["SampleCount"]?.double == 1e19 + 1)
            #expect(datapoints.first?["Sum"]?.double == 2e19 + 3)
            #expect(datapoints.first?["Maximum"]?.double == 3)
        }
    }
}
