/// Where an event was ingested: the values copyValue's metadata sources (`@logGroupName`,
/// `@logGroupStream`, `@accountId`, `@regionName`) read.
public struct TransformContext: Sendable {
    let logGroupName: String
    let logStreamName: String
    let accountID: String
    let region: String

    public init(logGroupName: String, logStreamName: String, accountID: String, region: String) {
        self.logGroupName = logGroupName
        self.logStreamName = logStreamName
        self.accountID = accountID
        self.region = region
    }
}
