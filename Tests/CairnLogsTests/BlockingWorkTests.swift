import Dispatch
import Synchronization
import Testing

@testable import CairnLogs

/// Accounts take turns on the blocking work's threads, and one account cannot take them all.
@Suite struct BlockingWorkTests {
    /// The order in which jobs ran.
    final class Log: Sendable {
        private let names = Mutex<[String]>([])
        func append(_ name: String) { names.withLock { $0.append(name) } }
        var entries: [String] { names.withLock { $0 } }
    }

    /// Runs `body` with work of its own, stopped afterwards.
    static func withWork(
        threads: Int, perAccount: Int, _ body: (BlockingWork) async throws -> Void
    ) async throws {
        let work = BlockingWork(threads: threads, perAccount: perAccount)
        do {
            try await body(work)
        } catch {
            try await work.stop()
            throw error
        }
        try await work.stop()
    }

    /// Waits (without sleeping) until `count` jobs wait for a thread.
    static func waitUntil(_ work: BlockingWork, waiting count: Int) async {
        while work.waitingCount < count { await Task.yield() }
    }

    /// Waits for `count` signals.
    static func receive(_ count: Int, from stream: AsyncStream<Void>) async {
        var received = 0
        for await _ in stream {
            received += 1
            if received == count { break }
        }
    }

    /// Runs `body` while account A's job "A1" holds the only thread; A1 ends after `body` returns, then every job
    /// `body` added to the group.
    static func whileA1Holds(
        _ work: BlockingWork, _ log: Log, _ body: (inout ThrowingTaskGroup<Void, any Error>) async throws -> Void
    ) async throws {
        let gate = DispatchSemaphore(value: 0)
        let (started, signal) = AsyncStream.makeStream(of: Void.self)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await work.run(account: "A") {
                    signal.yield()
                    gate.wait()
                    log.append("A1")
                }
            }
            await receive(1, from: started)
            do {
                try await body(&group)
            } catch {
                gate.signal()
                throw error
            }
            gate.signal()
            try await group.waitForAll()
        }
    }

    @Test(.timeLimit(.minutes(1))) func theAccountServedLongestAgoGoesNext() async throws {
        let log = Log()
        try await Self.withWork(threads: 1, perAccount: 1) { work in
            // A1 holds the only thread until every other job is queued, in this order: A2, A3, then B1. First come
            // first served would run B1 last.
            try await Self.whileA1Holds(work, log) { group in
                for (index, (account, name)) in [("A", "A2"), ("A", "A3"), ("B", "B1")].enumerated() {
                    group.addTask { try await work.run(account: account) { log.append(name) } }
                    await Self.waitUntil(work, waiting: index + 1)
                }
            }
            #expect(work.waitingCount == 0)
        }
        #expect(log.entries == ["A1", "B1", "A2", "A3"])
    }

    /// An account that holds its whole share (two threads of four) with jobs that do not end leaves threads to
    /// the others: another account's job runs at once, while the first account's third job waits.
    @Test(.timeLimit(.minutes(1))) func anAccountUsesItsShareAndNoMore() async throws {
        try await Self.withWork(threads: 4, perAccount: 2) { work in
            let gate = DispatchSemaphore(value: 0)
            let (started, signal) = AsyncStream.makeStream(of: Void.self)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<3 {
                    group.addTask {
                        try await work.run(account: "A") {
                            signal.yield()
                            gate.wait()
                        }
                    }
                }
                // Two of A's jobs run at once (each signals before any may end); the third waits.
                await Self.receive(2, from: started)
                await Self.waitUntil(work, waiting: 1)
                // B's job runs while A's two still hold their threads.
                let answer = try await work.run(account: "B") { 42 }
                #expect(answer == 42)
                #expect(work.waitingCount == 1)
                for _ in 0..<3 { gate.signal() }
                try await group.waitForAll()
            }
            #expect(work.waitingCount == 0)
        }
    }

    @Test(.timeLimit(.minutes(1))) func aFailingJobFreesItsThread() async throws {
        struct Failure: Error {}
        try await Self.withWork(threads: 1, perAccount: 1) { work in
            await #expect(throws: Failure.self) { try await work.run(account: "A") { throw Failure() } }
            let answer = try await work.run(account: "A") { 42 }
            #expect(answer == 42)
        }
    }

    /// After shutdown, jobs fail (and free their turn) instead of waiting for threads that are gone.
    @Test(.timeLimit(.minutes(1))) func jobsFailAfterShutdown() async throws {
        let work = BlockingWork(threads: 1, perAccount: 1)
        let before = try await work.run(account: "A") { 1 }
        #expect(before == 1)
        try await work.stop()
        for _ in 0..<2 {
            await #expect(throws: (any Error).self) { try await work.run(account: "A") { 2 } }
        }
        #expect(work.waitingCount == 0)
    }

    /// A request whose client went away while its job waited leaves the line at once (its task is cancelled) and
    /// holds no place there; the jobs behind it run as before.
    @Test(.timeLimit(.minutes(1))) func aCancelledJobLeavesItsLineAtOnce() async throws {
        let log = Log()
        try await Self.withWork(threads: 1, perAccount: 1) { work in
            try await Self.whileA1Holds(work, log) { group in
                let cancelled = Task { try await work.run(account: "A") { log.append("A2") } }
                await Self.waitUntil(work, waiting: 1)
                group.addTask { try await work.run(account: "B") { log.append("B1") } }
                await Self.waitUntil(work, waiting: 2)
                // While A1 still holds the only thread, A2 is cancelled: it fails now, not after A1 ends.
                cancelled.cancel()
                await #expect(throws: CancellationError.self) { try await cancelled.value }
                #expect(work.waitingCount == 1)
                // A job whose task is cancelled before it arrives does not join the line either.
                let early = Task {
                    withUnsafeCurrentTask { $0?.cancel() }
                    return try await work.run(account: "C") { log.append("C1") }
                }
                await #expect(throws: CancellationError.self) { try await early.value }
                #expect(work.waitingCount == 1)
            }
            #expect(work.waitingCount == 0)
            // A job cancelled before it arrives does not run, even with a thread free.
            let early = Task {
                withUnsafeCurrentTask { $0?.cancel() }
                return try await work.run(account: "A") { log.append("A3") }
            }
            await #expect(throws: CancellationError.self) { try await early.value }
            #expect(work.waitingCount == 0)
        }
        #expect(log.entries == ["A1", "B1"])
    }

    /// A job that must not be lost (an audit findings report) keeps its place when its task is cancelled, and runs.
    @Test(.timeLimit(.minutes(1))) func aJobThatMustRunRunsWhenCancelled() async throws {
        let log = Log()
        try await Self.withWork(threads: 1, perAccount: 1) { work in
            try await Self.whileA1Holds(work, log) { group in
                let kept = Task { try await work.run(account: "B", leavesWhenCancelled: false) { log.append("B2") } }
                await Self.waitUntil(work, waiting: 1)
                kept.cancel()
                group.addTask { try await kept.value }
            }
            #expect(work.waitingCount == 0)
        }
        #expect(log.entries == ["A1", "B2"])
    }
}
