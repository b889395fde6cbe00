import ArgumentParser
import CairnAccounts
import CairnKeys
import CairnStore
import Foundation

/// `cairn admin root-key rotate|retire|rewrap`: replace the root key without downtime.
///
/// 1. `rotate` puts a new key first in `<data-dir>/root.key` (the old one stays, second) and rewraps every
///    access key secret and KMS key material under it. Running servers read the file again when they meet
///    a value sealed by the new key.
/// 2. `retire`, a minute or more later (once every server has seen the new key), rewraps whatever was sealed
///    meanwhile with the old key and removes the old key from the file. The old key can then be discarded.
struct RootKeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "root-key", abstract: "Rotate the root key without downtime.",
        subcommands: [Rotate.self, Retire.self, Rewrap.self])

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a new current root key to the key file and rewrap everything under it.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let rootKey = try store.rootKey()
            let previous = rootKey.id
            try rootKey.addNewCurrentKey()
            let rewrapped = try await store.withDatabase { database in
                try await RootKeyRotation(database: database, rootKey: rootKey).rewrap()
            }
            output.emit(["previous": previous, "current": rootKey.id, "rewrapped": "\(rewrapped)"]) {
                "root key \($0["previous"] ?? "") → \($0["current"] ?? ""): rewrapped \($0["rewrapped"] ?? "0") values; "
                    + "run `cairn admin root-key retire` once every server has seen the new key"
            }
        }
    }

    struct Retire: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Rewrap what older root keys still seal, then remove them from the key file.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let rootKey = try store.rootKey()
            let retired = Array(rootKey.ids.dropFirst())
            let rewrapped = try await store.withDatabase { database in
                try await RootKeyRotation(database: database, rootKey: rootKey).rewrap()
            }
            try rootKey.dropPreviousKeys()
            output.emit(["current": rootKey.id, "retired": retired.joined(separator: ","), "rewrapped": "\(rewrapped)"])
            {
                "root key \($0["current"] ?? ""); retired [\($0["retired"] ?? "")]; rewrapped \($0["rewrapped"] ?? "0") values"
            }
        }
    }

    struct Rewrap: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Rewrap everything under the current root key (for keys given in CAIRN_ROOT_KEY as new,old).")
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let rootKey = try store.rootKey()
            let rewrapped = try await store.withDatabase { database in
                try await RootKeyRotation(database: database, rootKey: rootKey).rewrap()
            }
            output.emit(["current": rootKey.id, "rewrapped": "\(rewrapped)"]) {
                "rewrapped \($0["rewrapped"] ?? "0") values under root key \($0["current"] ?? "")"
            }
        }
    }
}
