extension VendedLogColumn {
    /// VPC Flow Logs, default (version 2) format. Custom formats (NAT gateway, …) are not supported, as AWS says.
    static let vpcFlowLogVersion2: [VendedLogColumn] = [
        VendedLogColumn("version", .integer), VendedLogColumn("accountId", .text),
        VendedLogColumn("interfaceId", .text), VendedLogColumn("srcAddr", .text), VendedLogColumn("dstAddr", .text),
        VendedLogColumn("srcPort", .integer), VendedLogColumn("dstPort", .integer),
        VendedLogColumn("protocol", .integer), VendedLogColumn("packets", .integer),
        VendedLogColumn("bytes", .integer), VendedLogColumn("start", .integer), VendedLogColumn("end", .integer),
        VendedLogColumn("action", .text), VendedLogColumn("logStatus", .text),
    ]

    /// Route 53 public DNS query logs (not Resolver query logs).
    static let route53PublicQueryLog: [VendedLogColumn] = [
        VendedLogColumn("version", .decimal), VendedLogColumn("queryTimestamp", .text),
        VendedLogColumn("hostZoneId", .text), VendedLogColumn("queryName", .text),
        VendedLogColumn("queryType", .text), VendedLogColumn("responseCode", .text),
        VendedLogColumn("protocol", .text), VendedLogColumn("edgeLocation", .text),
        VendedLogColumn("resolverIp", .text), VendedLogColumn("ednsClientSubnet", .text),
    ]

    /// CloudFront standard (access) logs: the 33 fields of the legacy format, tab-separated in real logs.
    static let cloudfrontStandardLog: [VendedLogColumn] = [
        VendedLogColumn("date", .text), VendedLogColumn("time", .text),
        VendedLogColumn("x-edge-location", .encodedText), VendedLogColumn("sc-bytes", .integer),
        VendedLogColumn("c-ip", .encodedText), VendedLogColumn("cs-method", .encodedText),
        VendedLogColumn("cs(Host)", .encodedText), VendedLogColumn("cs-uri-stem", .encodedText),
        VendedLogColumn("sc-status", .integer), VendedLogColumn("cs(Referer)", .encodedText),
        VendedLogColumn("cs(User-Agent)", .encodedText), VendedLogColumn("cs-uri-query", .encodedText),
        VendedLogColumn("cs(Cookie)", .encodedText), VendedLogColumn("x-edge-result-type", .encodedText),
        VendedLogColumn("x-edge-request-id", .encodedText), VendedLogColumn("x-host-header", .encodedText),
        VendedLogColumn("cs-protocol", .encodedText), VendedLogColumn("cs-bytes", .integer),
        VendedLogColumn("time-taken", .decimal), VendedLogColumn("x-forwarded-for", .encodedText),
        VendedLogColumn("ssl-protocol", .encodedText), VendedLogColumn("ssl-cipher", .encodedText),
        VendedLogColumn("x-edge-response-result-type", .encodedText),
        VendedLogColumn("cs-protocol-version", .encodedText), VendedLogColumn("fle-status", .encodedText),
        VendedLogColumn("fle-encrypted-fields", .encodedText), VendedLogColumn("c-port", .integer),
        VendedLogColumn("time-to-first-byte", .decimal), VendedLogColumn("x-edge-detailed-result-type", .encodedText),
        VendedLogColumn("sc-content-type", .encodedText), VendedLogColumn("sc-content-len", .integer),
        VendedLogColumn("sc-range-start", .integer), VendedLogColumn("sc-range-end", .integer),
    ]
}
