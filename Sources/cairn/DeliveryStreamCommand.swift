import ArgumentParser
import CairnLogs
import CairnStore
import Foundation

/// `cairn admin delivery-stream create|list|delete`: Firehose-style delivery streams, destinations of subscription
/// filters.
struct DeliveryStreamCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delivery-stream",
        abstract:
            "Firehose-style delivery streams that subscription filters deliver to (to a bucket or an HTTP endpoint).",
        subcommands: [Create.self, List.self, Delete.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a delivery stream to a bucket (--bucket) or an HTTP endpoint (--url); prints its ARN.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions
        @Option(help: "The owning account.") var account: String
        @Option(help: "The stream's name.") var name: String
        @Option(help: "Region (default us-east-1).") var region: String = "us-east-1"
        @Option(help: "A bucket of the account (cairn admin bucket add): objects go under --prefix.") var bucket:
            String?
        @Option(help: "The objects' key prefix, before YYYY/MM/DD/HH/ (bucket streams).") var prefix: String = ""
        @Option(help: "An HTTP endpoint that takes Firehose's HTTP endpoint delivery requests.") var url: String?
        @Option(help: "The access key the endpoint gets as X-Amz-Firehose-Access-Key, or - for standard input.")
        var accessKey: String?
        @Option(help: "A file holding the access key.") var accessKeyFile: String?
        @Flag(help: "Allow an endpoint on loopback, private and link-local addresses.") var allowPrivateNetwork = false
        @Option(help: "Buffer size in MiB (bucket 1–128, HTTP 1–64; default 5).") var bufferMib: Int = 5
        @Option(help: "Buffer interval in seconds (bucket 60–900, HTTP 0–900; default 300).") var bufferSeconds: Int =
            300

        func validate() throws {
            guard (bucket == nil) != (url == nil) else { throw ValidationError("give either --bucket or --url") }
        }

        struct Created: Encodable {
            let arn: String
            let stream: DeliveryStream
        }

        func run() async throws {
            let (account, name, region, bufferMib, bufferSeconds) = (account, name, region, bufferMib, bufferSeconds)
            let target: DeliveryStream.Target =
                if let bucket { .bucket(name: bucket, prefix: prefix) } else {
                    .http(url: url ?? "", allowsPrivateNetwork: allowPrivateNetwork)
                }
            let key =
                accessKey != nil || accessKeyFile != nil
                ? try SecretInput.read(value: accessKey, file: accessKeyFile) : nil
            let rootKey = try store.rootKey()
            let stream = try await store.withDatabase { database in
                try await DeliveryStreamDirectory(database: database, rootKey: rootKey).create(
                    account: account, region: region, name: name, target: target, bufferMiB: bufferMib,
                    bufferSeconds: bufferSeconds, accessKey: key)
            }
            output.emit(Created(arn: stream.arn, stream: stream)) { "created delivery stream \($0.arn)" }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List delivery streams (never their access keys).")
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions
        @Option(help: "Only this account.") var account: String?

        func run() async throws {
            let account = account
            let rootKey = try store.rootKey()
            let streams = try await store.withDatabase { database in
                try await DeliveryStreamDirectory(database: database, rootKey: rootKey).list(account: account)
            }
            output.emit(streams) {
                $0.map { stream in
                    switch stream.target {
                    case .bucket(let bucket, let prefix): "\(stream.arn)  → bucket \(bucket)/\(prefix)"
                    case .http(let url, _): "\(stream.arn)  → \(url)"
                    }
                }.joined(separator: "\n")
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete a delivery stream (records still buffered are dropped).")
        @OptionGroup var store: StoreOptions
        @Option(help: "The owning account.") var account: String
        @Option(help: "The stream's name.") var name: String
        @Option(help: "Region (default us-east-1).") var region: String = "us-east-1"

        func run() async throws {
            let (account, name, region) = (account, name, region)
            let rootKey = try store.rootKey()
            try await store.withDatabase { database in
                try await DeliveryStreamDirectory(database: database, rootKey: rootKey).delete(
                    account: account, region: region, name: name)
            }
            print("deleted delivery stream \(name)")
        }
    }
}
