import ArgumentParser
import CairnAccounts
import CairnStore
import Foundation

/// `cairn admin link` / `unlink` / `links`: monitoring accounts that read their source accounts' log groups.
struct LinkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "link", abstract: "Let a monitoring account read a source account's log groups.")
    @OptionGroup var store: StoreOptions
    @Option(help: "The monitoring account.") var monitoring: String
    @Option(help: "The source account it may read.") var source: String

    func run() async throws {
        let (monitoring, source) = (monitoring, source)
        let rootKey = try store.rootKey()
        try await store.withDatabase { database in
            try await AccountDirectory(database: database, rootKey: rootKey).link(
                monitoring: monitoring, source: source)
        }
        print("linked: \(monitoring) may read the log groups of \(source)")
    }
}

struct UnlinkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unlink", abstract: "Stop a monitoring account from reading a source account's log groups.")
    @OptionGroup var store: StoreOptions
    @Option(help: "The monitoring account.") var monitoring: String
    @Option(help: "The source account.") var source: String

    func run() async throws {
        let (monitoring, source) = (monitoring, source)
        let rootKey = try store.rootKey()
        try await store.withDatabase { database in
            try await AccountDirectory(database: database, rootKey: rootKey).unlink(
                monitoring: monitoring, source: source)
        }
        print("unlinked: \(monitoring) no longer reads \(source)")
    }
}

struct LinksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "links", abstract: "List account links.")
    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "Only links of this account (either side).") var account: String?

    func run() async throws {
        let account = account
        let rootKey = try store.rootKey()
        let links = try await store.withDatabase { database in
            try await AccountDirectory(database: database, rootKey: rootKey).links(account: account)
        }
        output.emit(links) { $0.map { "\($0.monitoringAccount) reads \($0.sourceAccount)" }.joined(separator: "\n") }
    }
}
