import CairnKeys
public import CairnProtocol

extension LogsService {
    /// The CloudWatch Logs operations (`Logs_20140328.*`), each declared once for the registry.
    public var operations: [Operation] {
        let declared: [Operation] = [
            Operation(
                .logs, "CreateLogGroup", roles: .writers, input: CreateLogGroupRequest.self, handler: createLogGroup),
            Operation(
                .logs, "DeleteLogGroup", roles: .admins, input: LogGroupNameRequest.self, handler: deleteLogGroup),
            Operation(
                .logs, "DescribeLogGroups", roles: .everyone, input: DescribeLogGroupsRequest.self,
                handler: describeLogGroups),
            Operation(
                .logs, "PutRetentionPolicy", roles: .admins, input: PutRetentionPolicyRequest.self,
                handler: putRetentionPolicy),
            Operation(
                .logs, "DeleteRetentionPolicy", roles: .admins, input: LogGroupNameRequest.self,
                handler: deleteRetentionPolicy),
            Operation(
                .logs, "CreateLogStream", roles: .writers, input: CreateLogStreamRequest.self, handler: createLogStream),
            Operation(
                .logs, "DeleteLogStream", roles: .admins, input: CreateLogStreamRequest.self, handler: deleteLogStream),
            Operation(
                .logs, "DescribeLogStreams", roles: .everyone, input: DescribeLogStreamsRequest.self,
                handler: describeLogStreams),
            Operation(.logs, "PutLogEvents", roles: .writers, json: putLogEvents),
            Operation(.logs, "GetLogEvents", roles: .readers, input: GetLogEventsRequest.self, handler: getLogEvents),
            Operation(
                .logs, "FilterLogEvents", roles: .readers, input: FilterLogEventsRequest.self, handler: filterLogEvents),
            Operation(
                .logs, "AssociateKmsKey", roles: .admins, input: AssociateKmsKeyRequest.self, handler: associateKmsKey),
            Operation(
                .logs, "DisassociateKmsKey", roles: .admins, input: AssociateKmsKeyRequest.self,
                handler: disassociateKmsKey),
            Operation(
                .logs, "PutMetricFilter", roles: .admins, input: PutMetricFilterRequest.self, handler: putMetricFilter),
            Operation(
                .logs, "DeleteMetricFilter", roles: .admins, input: DeleteMetricFilterRequest.self,
                handler: deleteMetricFilter),
            Operation(
                .logs, "DescribeMetricFilters", roles: .readers, input: DescribeMetricFiltersRequest.self,
                handler: describeMetricFilters),
            Operation(
                .logs, "TestMetricFilter", roles: .readers, input: TestMetricFilterRequest.self,
                handler: testMetricFilter),
            Operation(
                .logs, "PutSubscriptionFilter", roles: .admins, input: PutSubscriptionFilterRequest.self,
                handler: putSubscriptionFilter),
            Operation(
                .logs, "DeleteSubscriptionFilter", roles: .admins, input: DeleteMetricFilterRequest.self,
                handler: deleteSubscriptionFilter),
            Operation(
                .logs, "DescribeSubscriptionFilters", roles: .readers, input: DescribeSubscriptionFiltersRequest.self,
                handler: describeSubscriptionFilters),
            Operation(
                .logs, "PutDestination", roles: .admins, input: PutDestinationRequest.self, handler: putDestination),
            Operation(
                .logs, "PutDestinationPolicy", roles: .admins, input: PutDestinationPolicyRequest.self,
                handler: putDestinationPolicy),
            Operation(
                .logs, "DescribeDestinations", roles: .readers, input: DescribeDestinationsRequest.self,
                handler: describeDestinations),
            Operation(
                .logs, "DeleteDestination", roles: .admins, input: DestinationNameRequest.self,
                handler: deleteDestination),
            Operation(.logs, "TagLogGroup", roles: .admins, input: TagLogGroupRequest.self, handler: tagLogGroup),
            Operation(.logs, "UntagLogGroup", roles: .admins, input: UntagLogGroupRequest.self, handler: untagLogGroup),
            Operation(
                .logs, "ListTagsLogGroup", roles: .readers, input: LogGroupNameRequest.self, handler: listTagsLogGroup),
            Operation(.logs, "TagResource", roles: .admins, input: TagResourceRequest.self, handler: tagResource),
            Operation(.logs, "UntagResource", roles: .admins, input: UntagResourceRequest.self, handler: untagResource),
            Operation(
                .logs, "ListTagsForResource", roles: .readers, input: ResourceARNRequest.self,
                handler: listTagsForResource),
        ]
        // A data key that cannot be used (disabled, withdrawn or destroyed key) answers as AWS does.
        return declared.map { operation in
            operation.wrapped { _, _, next in
                do {
                    return try await next()
                } catch let error as DataKeyError {
                    throw error.awsError
                }
            }
        }
    }
}
