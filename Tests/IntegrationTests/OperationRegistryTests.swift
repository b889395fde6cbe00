import CairnAccounts
import CairnCrypto
import CairnProtocol
import CairnServer
import CairnStore
import PostgresNIO
import Testing

/// The registry as the README documents it: who may call what, and one declaration per operation.
@Suite struct OperationRegistryTests {
    static let registry: OperationRegistry = {
        let rootKey = try! RootKey(material: SecureRandom.bytes(32))
        // Declaring operations opens no connection: an unreachable database is enough.
        let database = Database(
            configuration: .init(
                host: "127.0.0.1", port: 1, username: "none", password: nil, database: "none", tls: .disable),
            logger: TestDatabase.logger)
        return ApplicationDependencies(database: database, rootKey: rootKey, migrations: [], metrics: nil).registry
    }()

    static let writerOperations: Set<String> = [
        "Logs_20140328.CreateLogGroup", "Logs_20140328.CreateLogStream", "Logs_20140328.PutLogEvents",
        "Logs_20140328.DescribeLogGroups", "Logs_20140328.DescribeLogStreams",
        "GraniteServiceVersion20100801.PutMetricData", "AmazonSimpleNotificationService.Publish",
    ]

    @Test func everyServiceIsThere() {
        let targets = Set(Self.registry.operations.map(\.target))
        #expect(targets.count == Self.registry.operations.count)
        #expect(targets.filter { $0.hasPrefix("Logs_20140328.") }.count == 59)
        #expect(targets.filter { $0.hasPrefix("TrentService.") }.count == 48)
        #expect(targets.filter { $0.hasPrefix("GraniteServiceVersion20100801.") }.count == 20)
        #expect(targets.filter { $0.hasPrefix("AmazonSimpleNotificationService.") }.count == 16)
        #expect(Self.registry.service(signingName: "sns") == .sns)
        #expect(Self.registry.operation(target: "Logs_20140328.Teleport") == nil)
        #expect(Self.registry.service(target: "Logs_20140328.Teleport") == .logs)
        #expect(Self.registry.service(smithyName: "GraniteServiceVersion20100801") == .monitoring)
    }

    /// Readers also run Logs Insights queries, keep their saved queries and tail.
    static let queryOperations: Set<String> = [
        "Logs_20140328.StartQuery", "Logs_20140328.StopQuery", "Logs_20140328.PutQueryDefinition",
        "Logs_20140328.DeleteQueryDefinition", "Logs_20140328.StartLiveTail",
    ]

    /// Gets that make something: GetParametersForImport makes a wrapping key pair for an import only admins do.
    static let adminGets: Set<String> = ["TrentService.GetParametersForImport"]

    /// Admins call everything; writers exactly what log agents need; readers what describes, gets, filters,
    /// lists and tests, and queries.
    @Test func rolesAreTheDocumentedOnes() {
        for operation in Self.registry.operations {
            #expect(operation.roles.contains(.admin), "\(operation.target)")
            #expect(
                operation.roles.contains(.writer) == Self.writerOperations.contains(operation.target),
                "\(operation.target)")
            let reads =
                ["Describe", "Get", "Filter", "List", "Test"].contains { operation.name.hasPrefix($0) }
                || Self.queryOperations.contains(operation.target)
            #expect(
                operation.roles.contains(.reader) == (reads && !Self.adminGets.contains(operation.target)),
                "\(operation.target)")
        }
    }

    @Test func aCallerWithoutTheRoleIsDeniedBeforeTheHandlerRuns() async throws {
        let reader = Caller(accountID: "123456789012", region: "us-east-1", accessKeyID: "AKIAR", role: .reader)
        let create = try #require(Self.registry.operation(target: "Logs_20140328.CreateLogGroup"))
        await #expect {
            try await create.invoke(body: Array(#"{"logGroupName":"g"}"#.utf8), format: .json11, caller: reader)
        } throws: { error in
            let error = error as? AWSError
            return error?.code == "AccessDeniedException"
                && error?.message.hasPrefix(
                    "User: arn:aws:iam::123456789012:user/AKIAR is not authorized to perform: logs:CreateLogGroup")
                    == true
        }
    }
}
