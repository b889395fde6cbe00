import Foundation
import Testing

@testable import CairnProtection

/// Every managed identifier against the examples in `Tests/e2e/data/data_protection_examples.json` (AWS's
/// documented rules and examples, and constructed near misses): positives are masked exactly where the fixture
/// says, negatives come back unchanged; the fixture's "uncertain" cases are left alone, as AWS leaves them open.
@Suite struct ManagedIdentifierTests {
    struct Example: Sendable, CustomTestStringConvertible {
        let identifier: ManagedIdentifier
        let text: String
        let masked: [String]
        var testDescription: String { "\(identifier.rawValue): \(text)" }
    }

    static var fixture: [String: Any] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("e2e/data/data_protection_examples.json")
        let data = (try? Data(contentsOf: url)) ?? Data()
        return (try? JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]
    }

    static let examples: [Example] = ManagedIdentifier.allCases.flatMap { identifier -> [Example] in
        let fixture = Self.fixture
        guard let entry = fixture[identifier.rawValue] as? [String: Any] else { return [] }
        let positives = (entry["positive"] as? [[String: Any]] ?? []).map {
            Example(identifier: identifier, text: $0["text"] as? String ?? "", masked: $0["masked"] as? [String] ?? [])
        }
        let negatives = (entry["negative"] as? [[String: Any]] ?? []).map {
            Example(identifier: identifier, text: $0["text"] as? String ?? "", masked: [])
        }
        return positives + negatives
    }

    @Test func theFixtureIsThere() {
        #expect(Self.examples.count > 60)
    }

    @Test(arguments: examples) func masksExactlyWhatTheExampleSays(_ example: Example) {
        var bytes = Array(example.text.utf8)
        Masker([example.identifier]).mask(&bytes, in: bytes.indices)
        var expected = example.text
        for secret in example.masked {
            expected = expected.replacingOccurrences(of: secret, with: String(repeating: "*", count: secret.count))
        }
        #expect(String(decoding: bytes, as: UTF8.self) == expected)
    }

    /// IPv6 (AWS documents IpAddress without saying which versions; Cairn masks both): compressed, full, with an
    /// embedded IPv4 address or a zone; times, MAC addresses, `std::string` and words are not addresses.
    @Test(arguments: [
        ("client 2001:db8::1 connected", ["2001:db8::1"]),
        ("loopback ::1", ["::1"]),
        ("link fe80::1%eth0 up", ["fe80::1"]),
        ("full 2001:0db8:0000:0000:0000:ff00:0042:8329.", ["2001:0db8:0000:0000:0000:ff00:0042:8329"]),
        ("mapped ::ffff:192.0.2.128 seen", ["::ffff:192.0.2.128"]),
        ("[2001:db8::7]:443", ["2001:db8::7"]),
        ("at 12:34:56 ok", []),
        ("mac 00:1a:2b:3c:4d:5e", []),
        ("std::string and Foo::bar", []),
        ("bad 2001:db8::1::2 and 1:2:3:4:5:6:7:8:9", []),
        ("deadbeef:cafe", []),
    ])
    func ipv6Addresses(_ text: String, _ secrets: [String]) {
        var bytes = Array(text.utf8)
        Masker([.ipAddress]).mask(&bytes, in: bytes.indices)
        var expected = text
        for secret in secrets {
            expected = expected.replacingOccurrences(of: secret, with: String(repeating: "*", count: secret.count))
        }
        #expect(String(decoding: bytes, as: UTF8.self) == expected)
    }

    @Test func luhnAndPrefixes() {
        #expect(Scanners.luhn(Array("4176749365368614".utf8).map { $0 - 0x30 }))
        #expect(!Scanners.luhn(Array("4176749365368615".utf8).map { $0 - 0x30 }))
        #expect(!Scanners.hasCardPrefix([9, 9, 6, 0]))
    }

    @Test func overlappingMatchesMergeAndTheLengthIsKept() {
        let text = "ip 10.0.0.1 mail ops@example.com card number 4176749365368614"
        var bytes = Array(text.utf8)
        let masker = Masker([.ipAddress, .emailAddress, .creditCardNumber])
        #expect(masker.mask(&bytes, in: bytes.indices))
        #expect(
            String(decoding: bytes, as: UTF8.self)
                == "ip ******** mail *************** card number ****************")
    }
}

/// Policy documents as AWS documents them: its examples are accepted; each rule's violation is refused with a
/// message (AWS's own words where they are known).
@Suite struct DataProtectionPolicyTests {
    static func document(
        _ audit: [String] = [ManagedIdentifier.emailAddress.arn], _ masked: [String]? = nil,
        mask: String = "{}", destination: String = "{}", name: String = "data-protection-policy"
    ) -> String {
        let list = { (ids: [String]) in "[" + ids.map { "\"\($0)\"" }.joined(separator: ",") + "]" }
        return """
            {"Name":"\(name)","Description":"","Version":"2021-06-01","Statement":[
              {"Sid":"audit","DataIdentifier":\(list(audit)),"Operation":{"Audit":{"FindingsDestination":\(destination)}}},
              {"Sid":"redact","DataIdentifier":\(list(masked ?? audit)),"Operation":{"Deidentify":{"MaskConfig":\(mask)}}}]}
            """
    }

    /// AWS's example documents are accepted, whatever their findings destinations (none, a log group, a
    /// delivery stream, a bucket), custom identifiers included — but for identifiers Cairn does not have
    /// (`DriversLicense-US`), which are refused by name.
    @Test func awsExamplesAreAccepted() throws {
        let examples = ManagedIdentifierTests.fixture["policy_examples"] as? [Any] ?? []
        var checked = 0
        for example in examples {
            guard let object = (example as? [String: Any])?["document"] as? [String: Any] ?? example as? [String: Any],
                object["Statement"] != nil,
                let data = try? JSONSerialization.data(withJSONObject: object),
                let text = String(data: data, encoding: .utf8)
            else { continue }
            checked += 1
            do {
                _ = try DataProtectionPolicy(text)
            } catch {
                #expect(
                    error.description
                        == "arn:aws:dataprotection::aws:data-identifier/DriversLicense-US is not a valid Data Identifier"
                )
            }
        }
        #expect(checked >= 2)
        let policy = try DataProtectionPolicy(
            Self.document([ManagedIdentifier.emailAddress.arn, ManagedIdentifier.ipAddress.arn]))
        #expect(policy.identifiers == [.emailAddress, .ipAddress])
        #expect(policy.findings.isEmpty)
        let reporting = try DataProtectionPolicy(
            Self.document(
                destination: #"{"CloudWatchLogs":{"LogGroup":"audit-findings"},"Firehose":{"DeliveryStream":"audit"},"#
                    + #""S3":{"Bucket":"audit-bucket"}}"#))
        #expect(
            reporting.findings
                == FindingsDestinations(logGroup: "audit-findings", deliveryStream: "audit", bucket: "audit-bucket"))
        for destination in [
            #"{"CloudWatchLogs":{}}"#, #"{"Firehose":{"DeliveryStream":""}}"#, #"{"S3":{"Name":"b"}}"#,
            #"{"Kinesis":{"Stream":"s"}}"#,
        ] {
            #expect(throws: DataProtectionPolicy.Invalid.self) {
                try DataProtectionPolicy(Self.document(destination: destination))
            }
        }
        // CDK's lower-camel-case keys.
        var lower = Self.document()
        for key in [
            "Name", "Description", "Version", "Statement", "Sid", "DataIdentifier", "Operation", "Audit",
            "FindingsDestination", "Deidentify", "MaskConfig",
        ] {
            lower = lower.replacingOccurrences(
                of: "\"\(key)\"", with: "\"\(key.prefix(1).lowercased() + key.dropFirst())\"")
        }
        #expect(try DataProtectionPolicy(lower).identifiers == [.emailAddress])
    }

    @Test func violationsAreRefused() {
        let phone = "arn:aws:dataprotection::aws:data-identifier/PhoneNumber"
        #expect(throws: DataProtectionPolicy.Invalid(description: "\(phone) is not a valid Data Identifier")) {
            try DataProtectionPolicy(Self.document([phone]))
        }
        #expect(throws: DataProtectionPolicy.Invalid.self) {
            try DataProtectionPolicy(
                Self.document([ManagedIdentifier.emailAddress.arn], [ManagedIdentifier.ipAddress.arn]))
        }
        #expect(throws: DataProtectionPolicy.Invalid.self) {
            try DataProtectionPolicy(Self.document(mask: #"{"x":1}"#))
        }
        #expect(
            throws: DataProtectionPolicy.Invalid(
                description: "Policy Name can only include alphanumeric characters, hyphens (-) and underscores (_)")
        ) { try DataProtectionPolicy(Self.document(name: "data protection policy")) }
        #expect(throws: DataProtectionPolicy.Invalid.self) { try DataProtectionPolicy("not json") }
        #expect(throws: DataProtectionPolicy.Invalid.self) {
            try DataProtectionPolicy(#"{"Statement":[]}"#)
        }
    }

    static func custom(_ declarations: String, _ identifiers: [String]) -> String {
        let list = "[" + identifiers.map { "\"\($0)\"" }.joined(separator: ",") + "]"
        return """
            {"Name":"custom","Version":"2021-06-01","Configuration":{"CustomDataIdentifier":\(declarations)},
             "Statement":[
              {"DataIdentifier":\(list),"Operation":{"Audit":{"FindingsDestination":{}}}},
              {"DataIdentifier":\(list),"Operation":{"Deidentify":{"MaskConfig":{}}}}]}
            """
    }

    /// Custom data identifiers (AWS's page `CWL-custom-data-identifiers`: its example `EmployeeId-\d{9}`): declared
    /// in Configuration, named in both statements, masked with the managed ones; AWS's limits refused.
    @Test func customIdentifiersMask() throws {
        let policy = try DataProtectionPolicy(
            Self.custom(
                #"[{"Name":"EmployeeId","Regex":"EmployeeId-\\d{9}"}]"#,
                ["EmployeeId", ManagedIdentifier.emailAddress.arn]))
        #expect(policy.customIdentifiers.map(\.name) == ["EmployeeId"] && policy.identifiers == [.emailAddress])
        let masker = Masker(policy.identifiers, custom: policy.customIdentifiers)
        var bytes = Array("ünï EmployeeId-123456789 mailed a@example.com, not EmployeeId-12345".utf8)
        masker.mask(&bytes, in: bytes.indices)
        #expect(
            String(decoding: bytes, as: UTF8.self)
                == "ünï ******************** mailed *************, not EmployeeId-12345")
        // A request whose search time is spent masks the whole message: what could not be searched is not left in
        // clear.
        var unsearched = Array("EmployeeId-123456789 and more".utf8)
        masker.mask(&unsearched, in: unsearched.indices, budget: SearchBudget(allowance: .zero))
        #expect(unsearched == Array(repeating: UInt8(ascii: "*"), count: unsearched.count))
        // Bytes that are not UTF-8 cannot be searched by a regular expression either: masked whole too.
        var undecodable = Array("EmployeeId-123456789 ".utf8) + [0xFF]
        masker.mask(&undecodable, in: undecodable.indices)
        #expect(undecodable == Array(repeating: UInt8(ascii: "*"), count: undecodable.count))
        let refusals = [
            Self.custom(#"[{"Name":"G","Regex":"(a)"}]"#, ["G"]),
            Self.custom(#"[{"Name":"EmailAddress","Regex":"a"}]"#, ["EmailAddress"]),
            Self.custom(#"[{"Name":"bad name","Regex":"a"}]"#, ["bad name"]),
            Self.custom(#"[{"Name":"X","Regex":"a"}]"#, ["Y"]),
            Self.custom(#"[{"Name":"X","Regex":""}]"#, ["X"]),
            Self.custom(
                "[" + (1...11).map { #"{"Name":"N\#($0)","Regex":"a"}"# }.joined(separator: ",") + "]", ["N1"]),
        ]
        for document in refusals {
            #expect(throws: DataProtectionPolicy.Invalid.self) { try DataProtectionPolicy(document) }
        }
    }
}
