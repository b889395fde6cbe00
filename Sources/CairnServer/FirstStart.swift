import CairnAccounts
import CairnProtocol
import CairnStore
import Foundation

/// On the very first start (no access key exists yet), creates an account and an admin key; once the port is
/// bound, prints them with a ready `aws` command line. The secret is printed once, to stdout, never logged.
struct FirstStart: Sendable {
    /// What to print once Cairn listens.
    let banner: @Sendable (_ endpointURL: String) -> String

    static func prepare(database: Database, rootKey: RootKey, region: String) async throws -> FirstStart {
        let directory = AccountDirectory(database: database, rootKey: rootKey)
        guard try await directory.listKeys(account: nil).isEmpty else {
            return FirstStart { "Cairn is listening on \($0)" }
        }
        var account = try await directory.listAccounts().first
        if account == nil { account = try await directory.createAccount(id: nil, name: "first") }
        guard let account else { return FirstStart { "Cairn is listening on \($0)" } }
        let key = try await directory.createKey(account: account.accountID, role: .admin)
        return FirstStart { endpoint in
            """
            Cairn is listening on \(endpoint)

            First start: created account \(account.accountID) with an admin access key.
            The secret is shown only this once; keep it.

              export AWS_ACCESS_KEY_ID=\(key.accessKeyID)
              export AWS_SECRET_ACCESS_KEY=\(key.secretAccessKey)
              export AWS_DEFAULT_REGION=\(region)
              aws --endpoint-url \(endpoint) logs describe-log-groups

            """
        }
    }

    /// Printed to stdout (not logged) and flushed at once, so that scripts reading it see it now.
    func show(endpointURL: String) {
        FileHandle.standardOutput.write(Data((banner(endpointURL) + "\n").utf8))
    }
}
