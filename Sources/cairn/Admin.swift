public import ArgumentParser
import CairnAccounts
import CairnProtocol
import CairnStore
import Foundation

struct Admin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Administer accounts, access keys and the embedded cluster (works while `cairn serve` is running).",
        subcommands: [
            AccountCommand.self, KeyCommand.self, ClusterCommand.self, KMSCommand.self, AuditCommand.self,
            RootKeyCommand.self, JobsCommand.self, FunctionCommand.self, BucketCommand.self, DeliveryStreamCommand.self,
            LinkCommand.self,
            UnlinkCommand.self,
            LinksCommand.self,
        ])
}

struct OutputOptions: ParsableArguments {
    @Flag(help: "Print JSON.") var json = false

    func emit<Value: Encodable>(_ value: Value, text: (Value) -> String) {
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            encoder.dateEncodingStrategy = .iso8601
            print(String(decoding: (try? encoder.encode(value)) ?? Data(), as: UTF8.self))
        } else {
            print(text(value))
        }
    }
}

extension Role: ExpressibleByArgument {}

struct AccountCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "account", abstract: "Create, list and delete accounts, and change their quotas.",
        subcommands: [Create.self, List.self, Delete.self, QuotaCommand.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an account.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions
        @Option(help: "The 12-digit account id (random when omitted).") var id: String?
        @Option(help: "A display name.") var name: String?

        func run() async throws {
            let (id, name) = (id, name)
            let rootKey = try store.rootKey()
            let account = try await store.withDatabase { database in
                try await AccountDirectory(database: database, rootKey: rootKey).createAccount(id: id, name: name)
            }
            output.emit(account) { "created account \($0.accountID) (\($0.name))" }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List accounts.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let rootKey = try store.rootKey()
            let accounts = try await store.withDatabase { database in
                try await AccountDirectory(database: database, rootKey: rootKey).listAccounts()
            }
            output.emit(accounts) { $0.map { "\($0.accountID)  \($0.name)" }.joined(separator: "\n") }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Offboard an account: destroy its keys, then every resource and byte it has.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions
        @Option(help: "The account id.") var id: String

        func run() async throws {
            let id = id
            let rootKey = try store.rootKey()
            try await store.withDatabase { database in
                try await AccountDirectory(database: database, rootKey: rootKey).deleteAccount(id)
            }
            output.emit(["deleted": id]) { _ in "deleted account \(id)" }
        }
    }
}

struct KeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "key", abstract: "Create, import, list and revoke access keys.",
        subcommands: [Create.self, Import.self, List.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an access key; its secret is printed once.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions
        @Option(help: "The account id.") var account: String
        @Option(help: "admin, writer or reader.") var role: Role = .admin

        func run() async throws {
            let (account, role) = (account, role)
            let rootKey = try store.rootKey()
            let key = try await store.withDatabase { database in
                try await AccountDirectory(database: database, rootKey: rootKey).createKey(account: account, role: role)
            }
            output.emit(key) {
                "access key id:     \($0.accessKeyID)\nsecret access key: \($0.secretAccessKey)\naccount: \($0.accountID)  role: \($0.role.rawValue)"
            }
        }
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Store a key with a given id and secret.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions
        @Option(help: "The account id.") var account: String
        @Option(help: "The access key id.") var accessKeyId: String
        @Option(
            help: "The secret access key; '-' reads it from standard input, so it never shows in ps output.")
        var secret: String?
        @Option(help: "A file holding the secret access key (one line).") var secretFile: String?
        @Option(help: "admin, writer or reader.") var role: Role = .admin

        func validate() throws {
            guard (secret == nil) != (secretFile == nil) else {
                throw ValidationError("give the secret with exactly one of --secret (or --secret -) and --secret-file")
            }
        }

        func run() async throws {
            let secret = try SecretInput.read(value: secret, file: secretFile)
            let (account, accessKeyID, role) = (account, accessKeyId, role)
            let rootKey = try store.rootKey()
            let key = try await store.withDatabase { database in
                try await AccountDirectory(database: database, rootKey: rootKey).importKey(
                    account: account, accessKeyID: accessKeyID, secret: secret, role: role)
            }
            output.emit(["accessKeyId": key.accessKeyID, "accountId": key.accountID, "role": key.role.rawValue]) {
                "imported access key \($0["accessKeyId"] ?? "") for account \($0["accountId"] ?? "")"
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List access keys (never their secrets).")
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions
        @Option(help: "Only this account's keys.") var account: String?

        func run() async throws {
            let account = account
            let rootKey = try store.rootKey()
            let keys = try await store.withDatabase { database in
                try await AccountDirectory(database: database, rootKey: rootKey).listKeys(account: account)
            }
            output.emit(keys) {
                $0.map {
                    "\($0.accessKeyID)  \($0.accountID)  \($0.role.rawValue)\($0.revokedAt == nil ? "" : "  revoked")"
                }
                .joined(separator: "\n")
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke an access key at once.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions
        @Option(help: "The access key id.") var accessKeyId: String

        func run() async throws {
            let id = accessKeyId
            let rootKey = try store.rootKey()
            try await store.withDatabase { database in
                try await AccountDirectory(database: database, rootKey: rootKey).revokeKey(id)
            }
            output.emit(["revoked": id]) { _ in "revoked access key \(id)" }
        }
    }
}
