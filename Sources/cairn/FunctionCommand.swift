import ArgumentParser
import CairnLogs
import CairnStore
import Foundation

/// `cairn admin function create|list|delete`: HTTP functions, the destinations of subscription filters.
struct FunctionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "function", abstract: "HTTP functions that subscription filters deliver to (Lambda stand-ins).",
        subcommands: [Create.self, List.self, Delete.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a function; prints its ARN and the secret that signs its deliveries.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions
        @Option(help: "The owning account.") var account: String
        @Option(help: "The function's name.") var name: String
        @Option(help: "Where deliveries are POSTed.") var url: String
        @Option(help: "Region (default us-east-1).") var region: String = "us-east-1"
        @Flag(
            help: "Allow deliveries to loopback, private and link-local addresses (off: only public addresses).")
        var allowPrivateNetwork = false

        struct Created: Encodable {
            let arn: String
            let url: String
            let secret: String
        }

        func run() async throws {
            let (account, name, url, region, allowPrivate) = (account, name, url, region, allowPrivateNetwork)
            let rootKey = try store.rootKey()
            let (function, secret) = try await store.withDatabase { database in
                try await FunctionDirectory(database: database, rootKey: rootKey).create(
                    account: account, region: region, name: name, url: url, allowPrivateNetwork: allowPrivate)
            }
            output.emit(Created(arn: function.arn, url: function.url, secret: secret)) {
                "created function \($0.arn) → \($0.url)\nsigning secret (shown once): \($0.secret)"
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List functions.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions
        @Option(help: "Only this account.") var account: String?

        func run() async throws {
            let account = account
            let rootKey = try store.rootKey()
            let functions = try await store.withDatabase { database in
                try await FunctionDirectory(database: database, rootKey: rootKey).list(account: account)
            }
            output.emit(functions) { $0.map { "\($0.arn)  \($0.url)" }.joined(separator: "\n") }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a function.")
        @OptionGroup var store: StoreOptions
        @Option(help: "The owning account.") var account: String
        @Option(help: "The function's name.") var name: String
        @Option(help: "Region (default us-east-1).") var region: String = "us-east-1"

        func run() async throws {
            let (account, name, region) = (account, name, region)
            let rootKey = try store.rootKey()
            try await store.withDatabase { database in
                try await FunctionDirectory(database: database, rootKey: rootKey).delete(
                    account: account, region: region, name: name)
            }
            print("deleted function \(name)")
        }
    }
}
