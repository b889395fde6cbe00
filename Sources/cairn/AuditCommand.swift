import ArgumentParser
import CairnKeys
import CairnStore
import Foundation

/// `cairn admin audit`: the key audit trail of one account or of all, oldest first.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Print the key audit trail (every key operation and cryptographic use).")
    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "Only this account.") var account: String?
    @Option(help: "At most this many records.") var limit: Int = 1000

    func run() async throws {
        let (account, limit) = (account, limit)
        let records = try await store.withDatabase { database in
            try await AuditTrail(database: database).records(
                account: account, region: nil, start: 0, end: .max, limit: limit
            ).map(\.record)
        }
        output.emit(records) { records in
            records.map { record in
                let time = Date(timeIntervalSince1970: Double(record.eventTime) / 1000).formatted(.iso8601)
                return "\(time)  \(record.accountID) \(record.region)  \(record.principal)  \(record.operation)  "
                    + "\(record.keyARN ?? "-")  \(record.outcome)"
            }.joined(separator: "\n")
        }
    }
}
