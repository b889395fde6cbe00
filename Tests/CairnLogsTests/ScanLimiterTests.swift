import CairnProtocol
import Testing

@testable import CairnLogs

struct ScanLimiterTests {
    @Test func anAccountRunsAtMostItsLimitOfScansAtOnce() throws {
        let limiter = ScanLimiter(limit: 2)
        try limiter.acquire("111111111111")
        try limiter.acquire("111111111111")
        #expect(throws: AWSError("ThrottlingException", "Rate exceeded")) { try limiter.acquire("111111111111") }
        // Another account is not affected.
        try limiter.acquire("222222222222")
        limiter.release("111111111111")
        try limiter.acquire("111111111111")
    }

    @Test func aFailedScanReleasesItsPlace() async throws {
        let limiter = ScanLimiter(limit: 1)
        struct Failure: Error {}
        await #expect(throws: Failure.self) {
            try await limiter.run(account: "111111111111") { () async throws -> Int in throw Failure() }
        }
        #expect(try await limiter.run(account: "111111111111") { 7 } == 7)
    }
}
