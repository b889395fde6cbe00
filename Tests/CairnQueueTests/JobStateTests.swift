import CairnQueue
import Testing

@Suite struct JobStateTests {
    let policy = RetryPolicy(
        maxAttempts: 3, baseDelayMilliseconds: 1000, maxDelayMilliseconds: 3000, visibilityMilliseconds: 10_000)

    @Test func completesAfterAClaim() throws {
        var job = JobState(now: 0, policy: policy)
        #expect(job.isClaimable(at: 0))
        try job.claim(by: "w1", at: 5)
        #expect(!job.isClaimable(at: 5) && job.attempts == 1 && job.visibleAt == 10_005)
        #expect(throws: JobState.TransitionError.notHeld) { try job.complete(by: "w2") }
        try job.complete(by: "w1")
        #expect(job.phase == .done && !job.isClaimable(at: 1_000_000))
        #expect(throws: JobState.TransitionError.finished) { try job.claim(by: "w1", at: 1_000_000) }
    }

    @Test func failuresBackOffThenDeadLetter() throws {
        var job = JobState(now: 0, policy: policy)
        try job.claim(by: "w", at: 0)
        try job.fail(by: "w", at: 100, error: "HTTP 503", jitter: 0)
        #expect(job.phase == .ready && job.visibleAt == 600)  // ceiling 1000, floor 500
        #expect(!job.isClaimable(at: 599) && job.isClaimable(at: 600))
        try job.claim(by: "w", at: 600)
        try job.fail(by: "w", at: 700, error: "HTTP 503", jitter: 1)
        #expect(job.visibleAt == 2700)  // ceiling 2000
        try job.claim(by: "w", at: 2700)
        try job.fail(by: "w", at: 2800, error: "connection refused", jitter: 0.5)
        #expect(job.phase == .dead(lastError: "connection refused") && job.attempts == 3)
        #expect(!job.isClaimable(at: .max))
        try job.revive(at: 5000)
        #expect(job.phase == .ready && job.attempts == 0 && job.isClaimable(at: 5000))
    }

    @Test func aClaimThatTimesOutIsClaimableAgain() throws {
        var job = JobState(now: 0, policy: policy)
        try job.claim(by: "killed", at: 0)
        #expect(!job.isClaimable(at: 9_999))
        try job.claim(by: "w2", at: 10_000)
        #expect(job.attempts == 2 && job.phase == .claimed(worker: "w2"))
        // The first worker's late completion is refused: the second one holds the job now.
        #expect(throws: JobState.TransitionError.notHeld) { try job.complete(by: "killed") }
    }

    @Test func aLastAttemptThatTimesOutIsDead() throws {
        var job = JobState(now: 0, policy: policy)
        for attempt in 0..<3 { try job.claim(by: "w", at: Int64(attempt) * 10_000) }
        #expect(job.attempts == 3 && job.isClaimable(at: 30_000))
        #expect(throws: JobState.TransitionError.exhausted) { try job.claim(by: "w2", at: 30_000) }
        #expect(throws: JobState.TransitionError.notClaimable) { try job.expire(at: 29_999) }
        try job.expire(at: 30_000)
        #expect(job.phase == .dead(lastError: JobState.timedOut))
    }

    @Test func backoffGrowsExponentiallyWithinBounds() {
        let delays = (1...8).map { policy.delay(afterAttempt: $0, jitter: 1) }
        #expect(delays == [1000, 2000, 3000, 3000, 3000, 3000, 3000, 3000])
        let lows = (1...3).map { policy.delay(afterAttempt: $0, jitter: 0) }
        #expect(lows == [500, 1000, 1500])
    }
}
