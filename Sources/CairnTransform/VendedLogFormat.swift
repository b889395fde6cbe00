/// The AWS vended log formats with a built-in parser processor (parseCloudfront, parseVPC, parseRoute53,
/// parsePostgres).
public enum VendedLogFormat: Sendable {
    case cloudfront
    case vpc
    case route53
    case postgres
}

extension VendedLogFormat {
    /// The fields of one vended log line as the docs' examples show (names, order, numbers vs strings), or nil
    /// when the line is not of that format. The PostgreSQL prefix is a regular expression that backtracks on some
    /// lines (a run of colons), so it searches under `budget`, as grok does.
    public func parse(_ text: String, budget: TransformBudget = TransformBudget()) -> [GrokField]? {
        switch self {
        case .cloudfront: VendedLogColumn.parse(text, columns: VendedLogColumn.cloudfrontStandardLog)
        case .vpc: VendedLogColumn.parse(text, columns: VendedLogColumn.vpcFlowLogVersion2)
        case .route53: VendedLogColumn.parse(text, columns: VendedLogColumn.route53PublicQueryLog)
        case .postgres: VendedLogFormat.parsePostgresPrefix(text, budget: budget)
        }
    }
}
