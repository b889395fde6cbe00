public import CairnAccounts
public import CairnKeys
import CairnProtocol
public import CairnStore
import Logging

/// The CloudWatch Logs API (`Logs_20140328.*`): decodes the request, runs the operation
/// for the caller's account and region, and encodes the response.
public struct LogsService: Sendable {
    /// What the page-token key is derived from the root key for.
    public static let pageTokenPurpose = "cairn/page-tokens/v1"

    let database: Database
    let pageToken: PageToken
    let keyRing: DataKeyRing
    let rootKey: RootKey
    // Collaborators, built once.
    let accounts: AccountDirectory
    let audit: AuditTrail
    let groups: LogGroupStore
    let keys: KeyService
    let functions: FunctionDirectory
    let chunks: ChunkStore

    public init(database: Database, pageTokenKey: [UInt8], keyRing: DataKeyRing, rootKey: RootKey) {
        self.database = database
        self.pageToken = PageToken(key: pageTokenKey)
        self.keyRing = keyRing
        self.rootKey = rootKey
        accounts = AccountDirectory(database: database, rootKey: rootKey)
        audit = AuditTrail(database: database)
        groups = LogGroupStore(database: database, accounts: accounts, audit: audit)
        keys = KeyService(keyRing: keyRing)
        functions = FunctionDirectory(database: database, rootKey: rootKey)
        chunks = ChunkStore(database: database, keyRing: keyRing)
    }

}
