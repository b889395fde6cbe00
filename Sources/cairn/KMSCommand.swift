import ArgumentParser
import CairnAccounts
import CairnKeys
import CairnStore
import Foundation

/// `cairn admin kms ...`: what administrators do to KMS keys outside the API.
struct KMSCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kms", abstract: "Administer KMS keys.", subcommands: [ExpireDeletion.self])

    struct ExpireDeletion: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "expire-deletion",
            abstract: "End a key's deletion waiting period now and destroy it: its data is unreadable for good.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions
        @Option(help: "The account id.") var account: String
        @Option(help: "The key id (a UUID) pending deletion.") var keyId: String

        func run() async throws {
            guard let keyID = UUID(uuidString: keyId) else { throw ValidationError("--key-id must be a key id (UUID)") }
            let account = account
            let rootKey = try store.rootKey()
            let logger = try store.makeLogger()
            let destroyed = try await store.withDatabase { database in
                let lifecycle = KeyLifecycle(database: database, rootKey: rootKey, logger: logger)
                guard try await lifecycle.expireDeletionWindow(account: account, keyID: keyID) else {
                    throw AdminError.notFound("key \(keyID) of account \(account) is not pending deletion")
                }
                return try await lifecycle.destroyDueKeys()
            }
            output.emit(["destroyed": destroyed]) { "destroyed \($0["destroyed"] ?? 0) key(s)" }
        }
    }
}
