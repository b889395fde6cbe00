import CairnProtocol

/// AWS's own texts for CloudWatch Logs errors.
extension AWSError {
    static let logGroupNotFound = AWSError.resourceNotFound("The specified log group does not exist.")
    static let logStreamNotFound = AWSError.resourceNotFound("The specified log stream does not exist.")
    static let logGroupExists = AWSError.resourceAlreadyExists("The specified log group already exists")
    static let logStreamExists = AWSError.resourceAlreadyExists("The specified log stream already exists")
    static let invalidNextToken = AWSError.invalidParameter("The specified nextToken is invalid.")
    static let reservedLogGroupName = AWSError.invalidParameter("Log groups starting with AWS/ are reserved for AWS.")
    static let orderByWithPrefix = AWSError.invalidParameter(
        "Cannot order by LastEventTime with a logStreamNamePrefix.")
    static let groupNameAndIdentifier = AWSError.invalidParameter(
        "LogGroup name and LogGroup ARN are mutually exclusive parameters.")
    static let groupNameOrIdentifierRequired = AWSError.invalidParameter(
        "Should provide either a logGroupName or logGroupIdentifier.")
    static let prefixAndPattern = AWSError.invalidParameter(
        "LogGroupNamePrefix and LogGroupNamePattern are mutually exclusive parameters.")
    static let reservedTagKey = AWSError.invalidParameter("Tag keys starting with 'aws:' are reserved for AWS.")
    static let deletionProtected = AWSError(
        "ValidationException", "Log group deletion protection is enabled. Disable it before deleting the log group.")
    static func tooManyTags(_ arn: String) -> AWSError {
        AWSError(
            "TooManyTagsException",
            "A resource can have no more than \(LogsLimits.tagsPerResource) tags. Resource: \(arn)")
    }
}
