import ArgumentParser
import CairnAccounts

extension AccountCommand {
    /// `cairn admin account quota --id A [--set NAME=VALUE …] [--reset NAME …]`: shows every quota of an
    /// account after applying the changes.
    struct QuotaCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "quota",
            abstract: "Show an account's quotas; --set NAME=VALUE or --reset NAME changes them.",
            discussion: "Quotas: "
                + AccountQuota.allCases.map { "\($0.rawValue) (default \($0.defaultValue))" }
                .joined(separator: ", "))
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions
        @Option(help: "The account id.") var id: String
        @Option(help: "NAME=VALUE: set a quota (repeatable).") var set: [String] = []
        @Option(help: "NAME: back to the default (repeatable).") var reset: [String] = []

        struct Entry: Encodable {
            let quota: String
            let value: Int
            let isDefault: Bool
        }

        static func quota(_ name: String) throws -> AccountQuota {
            guard let quota = AccountQuota(rawValue: name) else {
                throw ValidationError(
                    "unknown quota '\(name)'; quotas are "
                        + AccountQuota.allCases.map(\.rawValue).joined(separator: ", "))
            }
            return quota
        }

        func run() async throws {
            var changes: [(AccountQuota, Int?)] = []
            for assignment in set {
                let parts = assignment.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2, let value = Int(parts[1]), value >= 0 else {
                    throw ValidationError("--set takes NAME=VALUE with a whole number VALUE, 0 or more")
                }
                changes.append((try Self.quota(parts[0]), value))
            }
            for name in reset { changes.append((try Self.quota(name), nil)) }
            let (id, planned) = (id, changes)
            let rootKey = try store.rootKey()
            let entries = try await store.withDatabase { database in
                guard try await AccountDirectory(database: database, rootKey: rootKey).accountExists(id) else {
                    throw AdminError.notFound("account \(id) does not exist")
                }
                let quotas = AccountQuotas(database: database)
                for (quota, value) in planned { try await quotas.set(quota, account: id, to: value) }
                return try await quotas.all(account: id).map {
                    Entry(quota: $0.quota.rawValue, value: $0.value, isDefault: $0.isDefault)
                }
            }
            output.emit(entries) {
                $0.map { "\($0.quota): \($0.value)\($0.isDefault ? " (default)" : "")" }.joined(separator: "\n")
            }
        }
    }
}
