/// AWS's documented limits on a grok `match` string (CloudWatch-Logs-Transformation-Configurable.html, grok).
enum GrokRules {
    /// `match`: "Maximum length: 512" (model and docs).
    static let maximumMatchLength = 512
    /// "The maximum number of grok patterns in a match is 20."
    static let maximumPatternCount = 20
    /// URI, URIPARAM, URIPATHPARAM, SPACE, DATA, GREEDYDATA and GREEDYDATA_MULTILINE together: at most 5 uses.
    static let maximumFreeTextPatternCount = 5
    static let freeTextPatterns: Set<String> = [
        "URI", "URIPARAM", "URIPATHPARAM", "SPACE", "DATA", "GREEDYDATA", "GREEDYDATA_MULTILINE",
    ]
    /// The common log patterns: first, alone, and followed by at most one of `trailingPatterns`.
    static let commonLogPatterns: Set<String> = ["APACHE_ACCESS_LOG", "NGINX_ACCESS_LOG", "SYSLOG5424"]
    static let trailingPatterns: Set<String> = ["DATA", "GREEDYDATA", "GREEDYDATA_MULTILINE"]

    /// Every pattern a user may reference, with AWS's per-match maximum use count.
    /// NUMBER is missing from AWS's table but used by its examples; it counts like BASE10NUM.
    static let maximumUses: [String: Int] = {
        var limits: [String: Int] = [:]
        let twenty = [
            "USERNAME", "USER", "INT", "BASE10NUM", "NUMBER", "BASE16NUM", "POSINT", "NONNEGINT", "WORD",
            "QUOTEDSTRING", "UUID", "URN", "CISCOMAC", "WINDOWSMAC", "COMMONMAC", "MAC", "IPV4", "UNIXPATH", "TTY",
            "URIPROTO", "URIPATH", "MONTH", "MONTHNUM", "MONTHNUM2", "MONTHDAY", "YEAR", "DAY", "HOUR", "MINUTE",
            "SECOND", "TIME", "DATE_US", "DATE_EU", "ISO8601_TIMEZONE", "ISO8601_SECOND", "TIMESTAMP_ISO8601",
            "DATE", "DATESTAMP", "TZ", "DATESTAMP_RFC822", "DATESTAMP_RFC2822", "DATESTAMP_OTHER",
            "DATESTAMP_EVENTLOG", "LOGLEVEL", "HTTPDATE", "SYSLOGTIMESTAMP", "PROG", "SYSLOGPROG", "SYSLOGFACILITY",
        ]
        let five = [
            "NOTSPACE", "SPACE", "DATA", "GREEDYDATA", "ARN", "IPV6", "IP", "HOSTNAME", "HOST", "IPORHOST",
            "HOSTPORT", "URIHOST", "WINPATH", "PATH", "URIPARAM", "URIPATHPARAM", "URI", "SYSLOGHOST",
        ]
        let one = ["GREEDYDATA_MULTILINE", "APACHE_ACCESS_LOG", "NGINX_ACCESS_LOG", "SYSLOG5424"]
        for name in twenty { limits[name] = 20 }
        for name in five { limits[name] = 5 }
        for name in one { limits[name] = 1 }
        return limits
    }()

    /// Throws the first rule the tokens of `match` break.
    static func validate(_ match: String, tokens: [GrokToken]) throws(TransformerConfigurationError) {
        guard !match.isEmpty else {
            throw TransformerConfigurationError(message: "Invalid grok match: match must not be empty")
        }
        guard match.count <= maximumMatchLength else {
            throw TransformerConfigurationError(
                message: "Invalid grok match: match must be at most \(maximumMatchLength) characters")
        }
        let names = tokens.compactMap { token -> String? in
            if case .pattern(let name, _) = token { return name }
            return nil
        }
        for name in names where maximumUses[name] == nil {
            throw TransformerConfigurationError(
                message: "Invalid grok match: unknown grok pattern '\(name)'; custom patterns are not allowed")
        }
        guard names.count <= maximumPatternCount else {
            throw TransformerConfigurationError(
                message:
                    "Invalid grok match: at most \(maximumPatternCount) grok patterns are allowed, found \(names.count)"
            )
        }
        try validateCommonLogPattern(tokens: tokens, names: names)
        var uses: [String: Int] = [:]
        for name in names { uses[name, default: 0] += 1 }
        for name in names.uniqued() {
            let limit = maximumUses[name] ?? 0
            if let count = uses[name], count > limit {
                throw TransformerConfigurationError(
                    message: "Invalid grok match: pattern \(name) may be used at most \(limit) times, found \(count)")
            }
        }
        let freeText = names.filter(freeTextPatterns.contains).count
        guard freeText <= maximumFreeTextPatternCount else {
            throw TransformerConfigurationError(
                message: "Invalid grok match: URI, URIPARAM, URIPATHPARAM, SPACE, DATA, GREEDYDATA and "
                    + "GREEDYDATA_MULTILINE may be used at most \(maximumFreeTextPatternCount) times in all, "
                    + "found \(freeText)")
        }
    }

    private static func validateCommonLogPattern(
        tokens: [GrokToken], names: [String]
    ) throws(TransformerConfigurationError) {
        let common = names.filter(commonLogPatterns.contains)
        guard let pattern = common.first else { return }
        guard common.count == 1 else {
            throw TransformerConfigurationError(
                message: "Invalid grok match: only one common log pattern (APACHE_ACCESS_LOG, NGINX_ACCESS_LOG, "
                    + "SYSLOG5424) is allowed, found \(common.joined(separator: ", "))")
        }
        guard case .pattern(pattern, _) = tokens.first else {
            throw TransformerConfigurationError(
                message: "Invalid grok match: the common log pattern \(pattern) must come first")
        }
        let followers = names.dropFirst()
        guard followers.count <= 1, followers.allSatisfy(trailingPatterns.contains) else {
            throw TransformerConfigurationError(
                message: "Invalid grok match: the common log pattern \(pattern) may be followed only by "
                    + "one DATA, GREEDYDATA or GREEDYDATA_MULTILINE pattern")
        }
    }
}

extension Array where Element: Hashable {
    /// The elements in order, without repeats.
    fileprivate func uniqued() -> [Element] {
        var seen: Set<Element> = []
        return filter { seen.insert($0).inserted }
    }
}
