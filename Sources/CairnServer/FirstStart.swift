import CairnProtocol
import CairnServer
import CairnStore
import Foundation

/// On the very first start (no access key exists yet), creates an account and an admin key and prints
/// them with a ready `aws` command line. The secret is printed once, to stdout, never logged.
struct FirstStart {
    let database: Database
    let rootKey: RootKey
    let server: ServerConfiguration

    func run() async throws {
        let directory = AccountDirectory(database: database, rootKey: rootKey)
        guard try await directory.listKeys(account: nil).isEmpty else {
            Self.show("Cairn is listening on \(server.endpointURL)")
            return
        }
        var account = try await directory.listAccounts().first
        if account == nil { account = try await directory.createAccount(id: nil, name: "first") }
        guard let account else { return }
        let key = try await directory.createKey(account: account.accountID, role: .admin)
        Self.show(
            """
            Cairn is listening on \(server.endpointURL)

            First start: created account \(account.accountID) with an admin access key.
            The secret is shown only this once; keep it.

              export AWS_ACCESS_KEY_ID=\(key.accessKeyID)
              export AWS_SECRET_ACCESS_KEY=\(key.secretAccessKey)
              export AWS_DEFAULT_REGION=\(server.region)
              aws --endpoint-url \(server.endpointURL) logs describe-log-groups

            """)
    }

    /// Printed to stdout (not logged) and flushed at once, so that scripts reading it see it now.
    static func show(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }
}
