import CairnTransform
import Testing

@Suite("Vended log formats")
struct VendedLogFormatTests {
    static let documented: [(processor: String, format: VendedLogFormat)] = [
        ("parseCloudfront", .cloudfront), ("parseVPC", .vpc), ("parseRoute53", .route53), ("parsePostgres", .postgres),
    ]

    @Test("each documented example parses to the documented fields")
    func documentedExamples() throws {
        for (processor, format) in Self.documented {
            let example = try #require(try GrokDocumentedExample.all(of: processor).first)
            let output = try #require(example.output)
            let fields = try #require(format.parse(example.input), "\(processor) did not parse its example")
            #expect(grokFieldsByPath(fields) == output.flattened(), "\(processor)")
            #expect(fields.count == output.flattened().count)
        }
    }

    @Test("field order follows the documented output")
    func fieldOrder() throws {
        let vpc = try #require(
            VendedLogFormat.vpc.parse(
                "2 123456789010 eni-abc123de 192.0.2.0 192.0.2.24 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK"))
        #expect(vpc.map(\.path).prefix(3) == ["version", "accountId", "interfaceId"])
        #expect(vpc.last?.path == "logStatus")
    }

    @Test("numbers are typed: VPC integers, an all-digit account id kept as a string, Route 53's version a double")
    func numberTypes() throws {
        let vpc = try #require(
            VendedLogFormat.vpc.parse(
                "2 123456789010 eni-abc123de 192.0.2.0 192.0.2.24 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK"))
        #expect(vpc.first == GrokField(path: "version", value: .integer(2)))
        #expect(vpc[1] == GrokField(path: "accountId", value: .string("123456789010")))
        let route53 = try #require(
            VendedLogFormat.route53.parse(
                "1.0 2017-12-13T08:15:50.235Z Z123412341234 example.com AAAA NOERROR TCP IAD12 192.0.2.0 198.51.100.0/24"
            ))
        #expect(route53.first == GrokField(path: "version", value: .double(1.0)))
    }

    @Test("a VPC NODATA record keeps '-' as a string")
    func vpcNoData() throws {
        let fields = try #require(
            VendedLogFormat.vpc.parse("2 123456789010 eni-1235b8ca - - - - - - - 1431280876 1431280934 - NODATA"))
        #expect(fields[3] == GrokField(path: "srcAddr", value: .string("-")))
        #expect(fields[5] == GrokField(path: "srcPort", value: .string("-")))
        #expect(fields.last == GrokField(path: "logStatus", value: .string("NODATA")))
    }

    @Test("CloudFront's tab-separated lines parse; header lines do not")
    func cloudfrontTabs() throws {
        let example = try #require(try GrokDocumentedExample.all(of: "parseCloudfront").first)
        let tabbed = example.input.split(whereSeparator: { $0 == " " }).joined(separator: "\t")
        #expect(VendedLogFormat.cloudfront.parse(tabbed) == VendedLogFormat.cloudfront.parse(example.input))
        #expect(VendedLogFormat.cloudfront.parse("#Version: 1.0") == nil)
    }

    @Test("Postgres background-process lines leave out the empty prefix fields")
    func postgresBackgroundProcess() throws {
        let fields = try #require(
            VendedLogFormat.postgres.parse("2023-01-05 10:00:00 UTC::@:[512]:LOG:  checkpoint starting: time"))
        #expect(
            fields == [
                GrokField(path: "logTime", value: .string("2023-01-05 10:00:00 UTC")),
                GrokField(path: "processId", value: .string("512")),
                GrokField(path: "logLevel", value: .string("LOG")),
            ])
    }

    @Test(
        "lines of another shape are not parsed",
        arguments: [
            (VendedLogFormat.vpc, "2 123456789010 eni-abc123de 192.0.2.0 192.0.2.24 20641 22 6 20 4249 ACCEPT OK"),
            (
                .vpc,
                "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status"
            ),
            (
                .vpc,
                "2 123456789010 eni-abc123de 192.0.2.0 192.0.2.24 http 22 6 20 4249 1418530010 1418530070 ACCEPT OK"
            ),
            (.route53, "1.0 2017-12-13T08:15:50.235Z Z123412341234 example.com AAAA NOERROR TCP IAD12 192.0.2.0"),
            (.route53, "v1 2017-12-13T08:15:50.235Z Z123412341234 example.com AAAA NOERROR TCP IAD12 192.0.2.0 -"),
            (.cloudfront, "2019-12-04 21:02:31 LAX1 392 192.0.2.24 GET"),
            (.postgres, "ERROR: column \"wrong_column_name\" does not exist"),
            (.postgres, ""),
        ])
    func otherShapes(format: VendedLogFormat, line: String) {
        #expect(format.parse(line) == nil)
    }
}
