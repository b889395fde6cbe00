import NIOCore
import NIOPosix
public import ServiceLifecycle
import Synchronization

/// Runs masking and transformation (CPU work that may spend a request's regular-expression budgets, seconds of it)
/// off Swift's cooperative threads, on a thread pool of its own, so that no account can make another wait for it.
///
/// The pool has twice as many threads as the machine has cores, and one account may run at most as many jobs as
/// there are cores: an account that fills its share with requests that spend their whole budgets leaves threads
/// free, and another account's job starts at once (the cores are then shared by the operating system, not queued
/// for). Beyond that, jobs wait here, each account in its own line; a freed thread goes to the waiting account
/// served longest ago (an account never served first, then the earliest to arrive). One account alone gets its
/// full share: as many threads as cores, the throughput of the machine.
public final class BlockingWork: Service, Sendable, CustomStringConvertible {
    public var description: String { "BlockingWork" }

    let threads: Int
    let perAccount: Int
    private let pool: NIOThreadPool
    private let state = Mutex(State())
    /// The pool's threads start with the first job (a process that never masks or transforms starts none) and
    /// stop once, at shutdown.
    private let poolState = Mutex(PoolState.idle)

    private enum PoolState { case idle, started, stopped }

    private struct State {
        var running = 0
        var runningByAccount: [String: Int] = [:]
        var arrivals = 0
        var dispatches = 0
        /// Each account's waiting jobs, first come first.
        var waiting: [String: [(arrival: Int, resume: CheckedContinuation<Void, any Error>)]] = [:]
        /// When each account with a job running or waiting last got a thread (the dispatch count then); an
        /// account's entry goes when its last job ends, so it counts as never served when it comes back.
        var lastServed: [String: Int] = [:]

        mutating func dispatch(_ account: String) {
            running += 1
            runningByAccount[account, default: 0] += 1
            dispatches += 1
            lastServed[account] = dispatches
        }
    }

    /// Work on a pool of `threads` threads, at most `perAccount` jobs of one account at once.
    init(threads: Int, perAccount: Int) {
        self.threads = max(1, threads)
        self.perAccount = max(1, min(perAccount, threads))
        pool = NIOThreadPool(numberOfThreads: self.threads)
    }

    /// Twice as many threads as cores, as many per account as cores.
    public convenience init() {
        self.init(threads: 2 * System.coreCount, perAccount: System.coreCount)
    }

    /// Runs until shutdown, then stops the pool once its running jobs end.
    public func run() async throws {
        try? await gracefulShutdown()
        try await stop()
    }

    /// Stops the pool once its running jobs end; later jobs fail.
    func stop() async throws {
        let started = poolState.withLock { state in
            defer { state = .stopped }
            return state == .started
        }
        if started { try await pool.shutdownGracefully() }
    }

    /// Runs `work` on the pool when `account`'s turn comes. When `leavesWhenCancelled`, a job whose task is
    /// cancelled never waits and never runs: it leaves its line at once (or does not join it) and throws
    /// `CancellationError`. A job that must not be lost (an audit findings report, after its source chunk
    /// committed) waits its turn and runs whatever happens to its task.
    func run<Result: Sendable>(
        account: String, leavesWhenCancelled: Bool = true, _ work: @escaping @Sendable () throws -> Result
    ) async throws -> Result {
        try await acquire(account, leavesWhenCancelled: leavesWhenCancelled)
        defer { release(account) }
        poolState.withLock { state in
            if state == .idle {
                pool.start()
                state = .started
            }
        }
        if leavesWhenCancelled { return try await pool.runIfActive(work) }
        // NIO's runIfActive refuses a cancelled task's work; submit runs it unless the pool has stopped.
        return try await withCheckedThrowingContinuation { continuation in
            pool.submit { state in
                guard state == .active else {
                    return continuation.resume(throwing: NIOThreadPoolError.ThreadPoolInactive())
                }
                continuation.resume(with: Swift.Result { try work() })
            }
        }
    }

    /// How many jobs wait for a thread (for tests).
    var waitingCount: Int { state.withLock { $0.waiting.values.reduce(0) { $0 + $1.count } } }

    private enum Admission { case admitted, waiting, cancelled }

    private func acquire(_ account: String, leavesWhenCancelled: Bool) async throws {
        let arrival = state.withLock { state in
            state.arrivals += 1
            return state.arrivals
        }
        guard leavesWhenCancelled else { return try await join(account, arrival: arrival, unlessCancelled: false) }
        try await withTaskCancellationHandler {
            try await join(account, arrival: arrival, unlessCancelled: true)
        } onCancel: {
            leave(account, arrival: arrival)
        }
    }

    /// Takes a thread if the job may have one now, else joins the account's line. With `unlessCancelled`, a job
    /// whose task is already cancelled does neither: a cancellation after this check finds the job in its line
    /// (both hold the lock, and a task is marked cancelled before its cancellation handler runs).
    private func join(_ account: String, arrival: Int, unlessCancelled: Bool) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let admission = state.withLock { state -> Admission in
                if unlessCancelled, Task.isCancelled { return .cancelled }
                // Never ahead of the account's own waiting jobs; another account waits only at its share.
                if state.running < threads, state.runningByAccount[account, default: 0] < perAccount,
                    state.waiting[account] == nil
                {
                    state.dispatch(account)
                    return .admitted
                }
                state.waiting[account, default: []].append((arrival, continuation))
                return .waiting
            }
            switch admission {
            case .admitted: continuation.resume()
            case .cancelled: continuation.resume(throwing: CancellationError())
            case .waiting: break
            }
        }
    }

    /// Takes a cancelled job out of its line; a job not (yet) in it is left alone (see `join`).
    private func leave(_ account: String, arrival: Int) {
        let continuation = state.withLock { state -> CheckedContinuation<Void, any Error>? in
            guard var line = state.waiting[account], let index = line.firstIndex(where: { $0.arrival == arrival })
            else { return nil }
            let continuation = line.remove(at: index).resume
            state.waiting[account] = line.isEmpty ? nil : line
            if line.isEmpty, state.runningByAccount[account] == nil { state.lastServed[account] = nil }
            return continuation
        }
        continuation?.resume(throwing: CancellationError())
    }

    /// Frees the job's thread and hands threads to waiting jobs while any may run.
    private func release(_ account: String) {
        let next = state.withLock { state -> [CheckedContinuation<Void, any Error>] in
            state.running -= 1
            let remaining = state.runningByAccount[account, default: 1] - 1
            state.runningByAccount[account] = remaining > 0 ? remaining : nil
            if remaining <= 0, state.waiting[account] == nil { state.lastServed[account] = nil }
            var resumed: [CheckedContinuation<Void, any Error>] = []
            while state.running < threads {
                let eligible = state.waiting.filter { state.runningByAccount[$0.key, default: 0] < perAccount }
                let chosen = eligible.min { left, right in
                    (state.lastServed[left.key] ?? -1, left.value[0].arrival)
                        < (state.lastServed[right.key] ?? -1, right.value[0].arrival)
                }?.key
                guard let chosen, var line = state.waiting[chosen] else { break }
                resumed.append(line.removeFirst().resume)
                state.waiting[chosen] = line.isEmpty ? nil : line
                state.dispatch(chosen)
            }
            return resumed
        }
        for continuation in next { continuation.resume() }
    }
}
