import CairnProtocol
import Synchronization

/// How many scans each account runs at once in this process. A scan holds a pooled connection while it
/// decrypts and matches; beyond `limit` an account's scans are throttled (`ThrottlingException`, which SDKs
/// retry), so one tenant's searches never take every connection from the others.
final class ScanLimiter: Sendable {
    let limit: Int
    private let running = Mutex<[String: Int]>([:])

    init(limit: Int = LogsLimits.concurrentScansPerAccount) {
        self.limit = limit
    }

    func run<Result: Sendable>(account: String, _ scan: () async throws -> Result) async throws -> Result {
        try acquire(account)
        defer { release(account) }
        return try await scan()
    }

    func acquire(_ account: String) throws(AWSError) {
        let admitted = running.withLock { counts in
            guard counts[account, default: 0] < limit else { return false }
            counts[account, default: 0] += 1
            return true
        }
        guard admitted else { throw AWSError("ThrottlingException", "Rate exceeded") }
    }

    func release(_ account: String) {
        running.withLock { counts in
            let remaining = counts[account, default: 1] - 1
            counts[account] = remaining > 0 ? remaining : nil
        }
    }
}
