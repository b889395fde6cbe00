import CairnTransform
import Testing

@Suite("grok match validation")
struct GrokValidationTests {
    /// Fails unless `match` is refused with a message containing `reason`.
    private func expectRefused(_ match: String, _ reason: String, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            _ = try GrokPattern(match)
            Issue.record("accepted \(match)", sourceLocation: sourceLocation)
        } catch {
            #expect(error.message.contains(reason), "\(error.message)", sourceLocation: sourceLocation)
        }
    }

    @Test("AWS's documented valid common-log matches compile")
    func documentedValid() throws {
        for match in [
            "%{NGINX_ACCESS_LOG} %{DATA}", "%{SYSLOG5424}%{DATA:logMsg}", "%{APACHE_ACCESS_LOG} %{GREEDYDATA:logMsg}",
        ] {
            #expect(throws: Never.self) { try GrokPattern(match) }
        }
    }

    @Test("AWS's documented invalid common-log matches are refused")
    func documentedInvalid() {
        expectRefused("%{APACHE_ACCESS_LOG} %{SYSLOG5424}", "only one common log pattern")
        expectRefused(
            "%{NGINX_ACCESS_LOG} %{NUMBER:num}", "followed only by one DATA, GREEDYDATA or GREEDYDATA_MULTILINE")
        expectRefused("%{GREEDYDATA:logMsg} %{SYSLOG5424}", "must come first")
        expectRefused("x %{SYSLOG5424}", "must come first")
        expectRefused("%{SYSLOG5424} %{DATA:a} %{DATA:b}", "followed only by one")
    }

    @Test("unknown and custom patterns are refused")
    func unknownAndCustom() {
        expectRefused("%{NOSUCHPATTERN:x}", "unknown grok pattern 'NOSUCHPATTERN'")
        expectRefused("%{SYSLOG5424PRINTASCII:x}", "unknown grok pattern")
        expectRefused("(?<queue_id>[0-9A-F]{10,11}) %{WORD:w}", "custom patterns are not allowed")
        expectRefused("%{WORD:w} (?P<x>abc)", "custom patterns are not allowed")
    }

    @Test("malformed references are refused")
    func malformed() {
        expectRefused("%{WORD:w", "is not closed")
        expectRefused("%{WORD:}", "empty field name")
        expectRefused("%{INT:n:int}", "type conversions")
        expectRefused("%{}", "is not a grok pattern reference")
        expectRefused("%{WO RD}", "is not a grok pattern reference")
        expectRefused("", "must not be empty")
    }

    @Test("at most 20 patterns")
    func patternCount() throws {
        let twenty = Array(repeating: "%{WORD}", count: 20).joined(separator: " ")
        #expect(throws: Never.self) { try GrokPattern(twenty) }
        expectRefused(twenty + " %{INT}", "at most 20 grok patterns")
    }

    @Test("per-pattern maximum use counts")
    func perPatternCounts() throws {
        let fiveData = Array(repeating: "%{DATA}", count: 5).joined(separator: ",")
        #expect(throws: Never.self) { try GrokPattern(fiveData) }
        expectRefused(fiveData + ",%{DATA}", "DATA may be used at most 5 times, found 6")
        expectRefused(
            Array(repeating: "%{NOTSPACE}", count: 6).joined(separator: " "), "NOTSPACE may be used at most 5")
        expectRefused("%{IP} %{IP} %{IP} %{IP} %{IP} %{IP}", "IP may be used at most 5")
        expectRefused(
            "%{GREEDYDATA_MULTILINE:a} %{GREEDYDATA_MULTILINE:b}", "GREEDYDATA_MULTILINE may be used at most 1")
    }

    @Test("URI, URIPARAM, URIPATHPARAM, SPACE, DATA, GREEDYDATA, GREEDYDATA_MULTILINE: 5 in all")
    func freeTextCount() throws {
        #expect(throws: Never.self) { try GrokPattern("%{URI} %{URIPARAM} %{SPACE} %{DATA} %{GREEDYDATA}") }
        expectRefused(
            "%{URI} %{URIPARAM} %{URIPATHPARAM} %{SPACE} %{DATA} %{GREEDYDATA}", "at most 5 times in all, found 6")
    }

    @Test("match is at most 512 characters")
    func matchLength() throws {
        let padding = String(repeating: "a", count: 512 - "%{WORD:w}".count)
        #expect(throws: Never.self) { try GrokPattern("%{WORD:w}" + padding) }
        expectRefused("%{WORD:w}" + padding + "a", "at most 512 characters")
    }
}
