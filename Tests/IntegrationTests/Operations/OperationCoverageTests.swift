import CairnProtocol
import Testing

/// Every operation in the registry has a scripted success and a scripted error in the operation tests (an
/// event-stream operation's success is an open stream: the end-to-end tests cover it).
@Suite struct OperationCoverageTests {
    static let scripts =
        LogsOperationTests.all + InsightsOperationTests.all + ExportOperationTests.all + KeyOperationTests.all + [
            MetricsOperationTests.script, TopicOperationTests.script,
        ]
    /// Successes only an end-to-end test can reach: ConfirmSubscription needs the token sent to the endpoint
    /// (`Tests/e2e/test_sns.py` confirms through the API and through SubscribeURL).
    /// ImportKeyMaterial needs material wrapped under the public key GetParametersForImport just made
    /// (`Tests/e2e/test_kms.py` imports symmetric and signing material).
    static let successesElsewhere: Set<String> = [
        "AmazonSimpleNotificationService.ConfirmSubscription", "TrentService.ImportKeyMaterial",
    ]

    @Test func everyRegisteredOperationSucceedsAndFailsInAScript() {
        let calls = Self.scripts.flatMap { $0 }
        let succeeded = Set(calls.filter(\.isSuccess).map(\.target))
        let failed = Set(calls.filter { !$0.isSuccess }.map(\.target))
        let registered = Set(OperationRegistryTests.registry.operations.map(\.target))
        let streams = Set(OperationRegistryTests.registry.operations.filter(\.isEventStream).map(\.target))
        #expect(
            registered.subtracting(succeeded).subtracting(streams).subtracting(Self.successesElsewhere).sorted() == [],
            "operations without a scripted success")
        #expect(registered.subtracting(failed).sorted() == [], "operations without a scripted error")
        #expect(succeeded.union(failed).subtracting(registered).sorted() == [], "scripted targets not registered")
    }
}
