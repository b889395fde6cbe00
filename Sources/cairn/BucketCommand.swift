import ArgumentParser
import CairnObjects
import CairnStore
import Foundation

/// `cairn admin bucket add|list|remove`: where an account's bucket names lead (export tasks and delivery streams
/// write there).
struct BucketCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bucket", abstract: "Map an account's bucket names to S3-compatible stores or local directories.",
        subcommands: [Add.self, List.self, Remove.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Map a bucket: --directory PATH, or --endpoint URL with --access-key-id and a secret.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions
        @Option(help: "The owning account.") var account: String
        @Option(help: "The bucket's name as the account uses it (CreateExportTask's destination).") var name: String
        @Option(help: "A local directory that holds the objects (absolute path).") var directory: String?
        @Option(help: "The S3-compatible endpoint, http(s)://host[:port].") var endpoint: String?
        @Option(help: "The region requests are signed for (default us-east-1).") var region = "us-east-1"
        @Option(help: "The bucket's name at the endpoint (default: --name).") var remoteName: String?
        @Option(help: "auto (path-style for IP addresses and localhost), path or virtual.") var addressing = "auto"
        @Option(help: "The access key id for the endpoint.") var accessKeyId: String?
        @Option(help: "The secret access key, or - to read it from standard input.") var secret: String?
        @Option(help: "A file holding the secret access key.") var secretFile: String?

        func validate() throws {
            guard (directory == nil) != (endpoint == nil) else {
                throw ValidationError("give either --directory or --endpoint")
            }
            if endpoint != nil, accessKeyId == nil { throw ValidationError("--endpoint needs --access-key-id") }
            guard ["auto", "path", "virtual"].contains(addressing) else {
                throw ValidationError("--addressing is auto, path or virtual")
            }
        }

        func run() async throws {
            let rootKey = try store.rootKey()
            let (account, name, directory, endpoint, region, remoteName) = (
                account, name, directory, endpoint, region, remoteName
            )
            let accessKeyID = accessKeyId ?? ""
            let addressing = S3Location.Addressing(rawValue: addressing)
            let secret = endpoint == nil ? "" : try SecretInput.read(value: secret, file: secretFile)
            let mapping = try await store.withDatabase { database in
                let buckets = BucketDirectory(database: database, rootKey: rootKey)
                if let directory {
                    return try await buckets.addDirectory(account: account, name: name, directory: directory)
                }
                return try await buckets.addS3(
                    account: account, name: name, endpoint: endpoint ?? "", region: region, remoteName: remoteName,
                    addressing: addressing, accessKeyID: accessKeyID, secret: secret)
            }
            output.emit(mapping) { "mapped bucket \($0.name) of account \($0.account) → \(Self.place($0))" }
        }

        static func place(_ mapping: BucketMapping) -> String {
            switch mapping.place {
            case .directory(let path): path
            case .s3(let endpoint, let region, let remoteName, let addressing, _):
                "\(endpoint) bucket \(remoteName) (\(region), \(addressing.rawValue)-style)"
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List mapped buckets (never their secrets).")
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions
        @Option(help: "Only this account.") var account: String?

        func run() async throws {
            let account = account
            let rootKey = try store.rootKey()
            let buckets = try await store.withDatabase { database in
                try await BucketDirectory(database: database, rootKey: rootKey).list(account: account)
            }
            output.emit(buckets) {
                $0.map { "\($0.account)  \($0.name)  \(Add.place($0))" }.joined(separator: "\n")
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove a bucket's mapping (its objects stay where they are).")
        @OptionGroup var store: StoreOptions
        @Option(help: "The owning account.") var account: String
        @Option(help: "The bucket's name.") var name: String

        func run() async throws {
            let (account, name) = (account, name)
            let rootKey = try store.rootKey()
            try await store.withDatabase { database in
                try await BucketDirectory(database: database, rootKey: rootKey).remove(account: account, name: name)
            }
            print("removed bucket \(name)")
        }
    }
}
