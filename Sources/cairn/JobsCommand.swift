import ArgumentParser
import CairnQueue
import CairnStore
import Foundation

/// `cairn admin jobs list|dead|retry|purge`: the job queue as an operator sees it.
struct JobsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobs", abstract: "Inspect the job queue, retry dead letters, purge a queue.",
        subcommands: [List.self, Dead.self, Retry.self, Purge.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Each queue's depth, running jobs, oldest waiting job, attempts and dead letters.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let statistics = try await store.withDatabase { try await JobQueue(database: $0).statistics() }
            output.emit(statistics) { queues in
                queues.isEmpty
                    ? "no jobs"
                    : queues.map {
                        "\($0.queue): depth \($0.depth), running \($0.running), oldest \($0.oldestAgeMilliseconds) ms, "
                            + "attempts \($0.attempts), dead letters \($0.deadLetters)"
                    }.joined(separator: "\n")
            }
        }
    }

    struct Dead: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List dead letters with their last error.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions
        @Option(help: "Only this queue.") var queue: String?
        @Option(help: "At most this many.") var limit: Int = 100

        func run() async throws {
            let (queue, limit) = (queue, limit)
            let jobs = try await store.withDatabase {
                try await JobQueue(database: $0).deadJobs(queue: queue, limit: limit)
            }
            output.emit(jobs) { jobs in
                jobs.map { "\($0.id)  \($0.queue)  attempts \($0.attempts)  \($0.lastError ?? "-")" }
                    .joined(separator: "\n")
            }
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send dead letters back to their queue with all their attempts.")
        @OptionGroup var store: StoreOptions
        @Option(help: "Only this queue.") var queue: String?
        @Option(help: "Only this job id.") var job: Int64?

        func run() async throws {
            let (queue, job) = (queue, job)
            let count = try await store.withDatabase {
                try await JobQueue(database: $0).retryDead(queue: queue, job: job)
            }
            print("retrying \(count) job(s)")
        }
    }

    struct Purge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a queue's dead letters (and waiting jobs).")
        @OptionGroup var store: StoreOptions
        @Option(help: "The queue.") var queue: String
        @Flag(help: "Also delete jobs still waiting or running.") var all = false

        func run() async throws {
            let (queue, all) = (queue, all)
            let count = try await store.withDatabase {
                try await JobQueue(database: $0).purge(queue: queue, includingLive: all)
            }
            print("purged \(count) job(s)")
        }
    }
}
