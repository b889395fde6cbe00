/// How often and how patiently a job is retried: exponential backoff with full jitter, bounded.
public struct RetryPolicy: Sendable, Equatable {
    public var maxAttempts: Int
    public var baseDelayMilliseconds: Int64
    public var maxDelayMilliseconds: Int64
    /// How long a claimed job stays invisible to other workers before it is presumed lost.
    public var visibilityMilliseconds: Int64

    public init(
        maxAttempts: Int = 8, baseDelayMilliseconds: Int64 = 500, maxDelayMilliseconds: Int64 = 300_000,
        visibilityMilliseconds: Int64 = 30_000
    ) {
        self.maxAttempts = maxAttempts
        self.baseDelayMilliseconds = baseDelayMilliseconds
        self.maxDelayMilliseconds = maxDelayMilliseconds
        self.visibilityMilliseconds = visibilityMilliseconds
    }

    /// The wait before attempt `attempt + 1`: a random point in [ceiling/2, ceiling], ceiling = base·2^(attempt-1).
    /// `jitter` in [0, 1] picks the point, so the policy itself stays deterministic.
    public func delay(afterAttempt attempt: Int, jitter: Double) -> Int64 {
        let exponent = min(max(attempt - 1, 0), 30)
        let ceiling = min(maxDelayMilliseconds, baseDelayMilliseconds << Int64(exponent))
        let floor = ceiling / 2
        return floor + Int64(Double(ceiling - floor) * min(max(jitter, 0), 1))
    }
}

/// One job's life as a value: ready → claimed → (done | ready again after a backoff | dead).
/// A claim that outlives its visibility timeout (a worker that died) makes the job claimable again.
/// `JobQueue`'s SQL performs exactly these transitions; tests drive this type without I/O.
public struct JobState: Sendable, Equatable {
    public enum Phase: Sendable, Equatable {
        /// Claimable from `visibleAt` on.
        case ready
        /// Held by `worker` until `visibleAt`.
        case claimed(worker: String)
        case done
        case dead(lastError: String)
    }

    public enum TransitionError: Error, Equatable {
        case notClaimable, notHeld, finished
        /// Every attempt has been made: the job can only die (its last attempt timed out) or be revived.
        case exhausted
    }

    public private(set) var phase: Phase = .ready
    public private(set) var attempts = 0
    public private(set) var visibleAt: Int64
    public private(set) var lastError: String?
    public let policy: RetryPolicy

    public init(now: Int64, policy: RetryPolicy) {
        visibleAt = now
        self.policy = policy
    }

    /// A job as stored: `JobQueue` rebuilds its state from the row, applies a transition, and writes the result.
    public init(restoring phase: Phase, attempts: Int, visibleAt: Int64, lastError: String?, policy: RetryPolicy) {
        self.phase = phase
        self.attempts = attempts
        self.visibleAt = visibleAt
        self.lastError = lastError
        self.policy = policy
    }

    /// The message a job dies with when its last attempt outlived its visibility timeout.
    public static let timedOut = "last attempt timed out"

    /// Whether a worker may claim the job at `now`: ready and due, or claimed but past its visibility timeout.
    public func isClaimable(at now: Int64) -> Bool {
        switch phase {
        case .ready, .claimed: visibleAt <= now
        case .done, .dead: false
        }
    }

    public mutating func claim(by worker: String, at now: Int64) throws(TransitionError) {
        guard isClaimable(at: now) else {
            throw phase == .done || phase.isDead ? .finished : .notClaimable
        }
        guard attempts < policy.maxAttempts else { throw .exhausted }
        attempts += 1
        phase = .claimed(worker: worker)
        visibleAt = now + policy.visibilityMilliseconds
    }

    public mutating func complete(by worker: String) throws(TransitionError) {
        guard case .claimed(worker) = phase else { throw phase == .done || phase.isDead ? .finished : .notHeld }
        phase = .done
    }

    /// A failed attempt: retried after a backoff, or dead after the last attempt.
    public mutating func fail(by worker: String, at now: Int64, error: String, jitter: Double) throws(TransitionError) {
        guard case .claimed(worker) = phase else { throw phase == .done || phase.isDead ? .finished : .notHeld }
        lastError = error
        if attempts >= policy.maxAttempts {
            phase = .dead(lastError: error)
        } else {
            phase = .ready
            visibleAt = now + policy.delay(afterAttempt: attempts, jitter: jitter)
        }
    }

    /// A claim on the last attempt that outlived its visibility timeout (the worker died): the job is dead.
    public mutating func expire(at now: Int64) throws(TransitionError) {
        guard case .claimed = phase, visibleAt <= now else { throw phase.isDead ? .finished : .notClaimable }
        guard attempts >= policy.maxAttempts else { throw .notClaimable }
        let error = (lastError.map { $0 + "; " } ?? "") + Self.timedOut
        lastError = error
        phase = .dead(lastError: error)
    }

    /// An operator sends a dead job back: all its attempts again, at once.
    public mutating func revive(at now: Int64) throws(TransitionError) {
        guard phase.isDead else { throw .notHeld }
        phase = .ready
        attempts = 0
        visibleAt = now
    }
}

extension JobState.Phase {
    var isDead: Bool { if case .dead = self { true } else { false } }
}
