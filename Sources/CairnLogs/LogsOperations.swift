import CairnKeys
public import CairnProtocol

extension LogsService {
    /// The CloudWatch Logs operations (`Logs_20140328.*`), each declared once for the registry.
    public var operations: [Operation] {
        let declared: [Operation] = [
            Operation(
                .logs, "CreateLogGroup", roles: .writers, input: CreateLogGroupRequest.self,
                handler: logGroups.createLogGroup),
            Operation(
                .logs, "DeleteLogGroup", roles: .admins, input: LogGroupNameRequest.self,
                handler: logGroups.deleteLogGroup),
            Operation(
                .logs, "DescribeLogGroups", roles: .everyone, input: DescribeLogGroupsRequest.self,
                handler: logGroups.describeLogGroups),
            Operation(
                .logs, "PutResourcePolicy", roles: .admins, input: PutResourcePolicyRequest.self,
                handler: resourcePolicies.putResourcePolicy),
            Operation(
                .logs, "DescribeResourcePolicies", roles: .readers, input: DescribeResourcePoliciesRequest.self,
                handler: resourcePolicies.describeResourcePolicies),
            Operation(
                .logs, "DeleteResourcePolicy", roles: .admins, input: DeleteResourcePolicyRequest.self,
                handler: resourcePolicies.deleteResourcePolicy),
            Operation(
                .logs, "PutDataProtectionPolicy", roles: .admins, input: DataProtectionPolicyRequest.self,
                handler: dataProtection.putDataProtectionPolicy),
            Operation(
                .logs, "GetDataProtectionPolicy", roles: .readers, input: DataProtectionPolicyRequest.self,
                handler: dataProtection.getDataProtectionPolicy),
            Operation(
                .logs, "DeleteDataProtectionPolicy", roles: .admins, input: DataProtectionPolicyRequest.self,
                handler: dataProtection.deleteDataProtectionPolicy),
            Operation(
                .logs, "PutAccountPolicy", roles: .admins, input: PutAccountPolicyRequest.self,
                handler: accountPolicies.putAccountPolicy),
            Operation(
                .logs, "DescribeAccountPolicies", roles: .readers, input: DescribeAccountPoliciesRequest.self,
                handler: accountPolicies.describeAccountPolicies),
            Operation(
                .logs, "DeleteAccountPolicy", roles: .admins, input: DeleteAccountPolicyRequest.self,
                handler: accountPolicies.deleteAccountPolicy),
            Operation(
                .logs, "PutTransformer", roles: .admins, input: PutTransformerRequest.self,
                handler: transformers.putTransformer),
            Operation(
                .logs, "GetTransformer", roles: .readers, input: TransformerRequest.self,
                handler: transformers.getTransformer),
            Operation(
                .logs, "DeleteTransformer", roles: .admins, input: TransformerRequest.self,
                handler: transformers.deleteTransformer),
            Operation(
                .logs, "TestTransformer", roles: .readers, input: TestTransformerRequest.self,
                handler: transformers.testTransformer),
            Operation(
                .logs, "ListLogGroups", roles: .readers, input: ListLogGroupsRequest.self,
                handler: logGroups.listLogGroups),
            Operation(
                .logs, "PutRetentionPolicy", roles: .admins, input: PutRetentionPolicyRequest.self,
                handler: logGroups.putRetentionPolicy),
            Operation(
                .logs, "DeleteRetentionPolicy", roles: .admins, input: LogGroupNameRequest.self,
                handler: logGroups.deleteRetentionPolicy),
            Operation(
                .logs, "PutLogGroupDeletionProtection", roles: .admins,
                input: PutLogGroupDeletionProtectionRequest.self, handler: logGroups.putLogGroupDeletionProtection),
            Operation(
                .logs, "CreateLogStream", roles: .writers, input: CreateLogStreamRequest.self,
                handler: logStreams.createLogStream),
            Operation(
                .logs, "DeleteLogStream", roles: .admins, input: CreateLogStreamRequest.self,
                handler: logStreams.deleteLogStream),
            Operation(
                .logs, "DescribeLogStreams", roles: .everyone, input: DescribeLogStreamsRequest.self,
                handler: logStreams.describeLogStreams),
            Operation(
                .logs, "PutLogEvents", roles: .writers, maxBodyBytes: LogsLimits.maxPutLogEventsBodyBytes,
                json: events.putLogEvents),
            Operation(
                .logs, "GetLogEvents", roles: .readers, input: GetLogEventsRequest.self, handler: events.getLogEvents),
            Operation(
                .logs, "FilterLogEvents", roles: .readers, input: FilterLogEventsRequest.self,
                handler: events.filterLogEvents),
            Operation(
                .logs, "AssociateKmsKey", roles: .admins, input: AssociateKmsKeyRequest.self,
                handler: logGroups.associateKmsKey),
            Operation(
                .logs, "DisassociateKmsKey", roles: .admins, input: AssociateKmsKeyRequest.self,
                handler: logGroups.disassociateKmsKey),
            Operation(
                .logs, "PutMetricFilter", roles: .admins, input: PutMetricFilterRequest.self,
                handler: metricFilters.putMetricFilter),
            Operation(
                .logs, "DeleteMetricFilter", roles: .admins, input: DeleteMetricFilterRequest.self,
                handler: metricFilters.deleteMetricFilter),
            Operation(
                .logs, "DescribeMetricFilters", roles: .readers, input: DescribeMetricFiltersRequest.self,
                handler: metricFilters.describeMetricFilters),
            Operation(
                .logs, "TestMetricFilter", roles: .readers, input: TestMetricFilterRequest.self,
                handler: metricFilters.testMetricFilter),
            Operation(
                .logs, "PutSubscriptionFilter", roles: .admins, input: PutSubscriptionFilterRequest.self,
                handler: subscriptions.putSubscriptionFilter),
            Operation(
                .logs, "DeleteSubscriptionFilter", roles: .admins, input: DeleteMetricFilterRequest.self,
                handler: subscriptions.deleteSubscriptionFilter),
            Operation(
                .logs, "DescribeSubscriptionFilters", roles: .readers, input: DescribeSubscriptionFiltersRequest.self,
                handler: subscriptions.describeSubscriptionFilters),
            Operation(
                .logs, "PutDestination", roles: .admins, input: PutDestinationRequest.self,
                handler: destinations.putDestination),
            Operation(
                .logs, "PutDestinationPolicy", roles: .admins, input: PutDestinationPolicyRequest.self,
                handler: destinations.putDestinationPolicy),
            Operation(
                .logs, "DescribeDestinations", roles: .readers, input: DescribeDestinationsRequest.self,
                handler: destinations.describeDestinations),
            Operation(
                .logs, "DeleteDestination", roles: .admins, input: DestinationNameRequest.self,
                handler: destinations.deleteDestination),
            Operation(.logs, "TagLogGroup", roles: .admins, input: TagLogGroupRequest.self, handler: tags.tagLogGroup),
            Operation(
                .logs, "UntagLogGroup", roles: .admins, input: UntagLogGroupRequest.self, handler: tags.untagLogGroup),
            Operation(
                .logs, "ListTagsLogGroup", roles: .readers, input: LogGroupNameRequest.self,
                handler: tags.listTagsLogGroup),
            Operation(.logs, "TagResource", roles: .admins, input: TagResourceRequest.self, handler: tags.tagResource),
            Operation(
                .logs, "UntagResource", roles: .admins, input: UntagResourceRequest.self, handler: tags.untagResource),
            Operation(
                .logs, "ListTagsForResource", roles: .readers, input: ResourceARNRequest.self,
                handler: tags.listTagsForResource),
            Operation(
                .logs, "StartQuery", roles: .readers, input: StartQueryRequest.self, handler: insights.startQuery),
            Operation(
                .logs, "GetQueryResults", roles: .readers, input: GetQueryResultsRequest.self,
                handler: insights.getQueryResults),
            Operation(.logs, "StopQuery", roles: .readers, input: QueryIDRequest.self, handler: insights.stopQuery),
            Operation(
                .logs, "DescribeQueries", roles: .readers, input: DescribeQueriesRequest.self,
                handler: insights.describeQueries),
            Operation(
                .logs, "ListLogGroupsForQuery", roles: .readers, input: ListLogGroupsForQueryRequest.self,
                handler: insights.listLogGroupsForQuery),
            Operation(
                .logs, "PutQueryDefinition", roles: .readers, input: PutQueryDefinitionRequest.self,
                handler: queryDefinitions.putQueryDefinition),
            Operation(
                .logs, "DescribeQueryDefinitions", roles: .readers, input: DescribeQueryDefinitionsRequest.self,
                handler: queryDefinitions.describeQueryDefinitions),
            Operation(
                .logs, "DeleteQueryDefinition", roles: .readers, input: QueryDefinitionIDRequest.self,
                handler: queryDefinitions.deleteQueryDefinition),
            Operation(
                .logs, "GetLogGroupFields", roles: .readers, input: GetLogGroupFieldsRequest.self,
                handler: events.getLogGroupFields),
            Operation(
                .logs, "GetLogRecord", roles: .readers, input: GetLogRecordRequest.self, handler: events.getLogRecord),
            Operation(
                .logs, "CreateExportTask", roles: .admins, input: CreateExportTaskRequest.self,
                handler: exports.createExportTask),
            Operation(
                .logs, "DescribeExportTasks", roles: .readers, input: DescribeExportTasksRequest.self,
                handler: exports.describeExportTasks),
            Operation(
                .logs, "CancelExportTask", roles: .admins, input: CancelExportTaskRequest.self,
                handler: exports.cancelExportTask),
            Operation(
                .logs, "StartLiveTail", roles: .readers, input: StartLiveTailRequest.self,
                stream: liveTailSessions.startLiveTail),
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
