import Foundation
import Synchronization

/// Verified access keys of this process for a short while, so that a request does not read and unseal its
/// key's secret every time. `AccountDirectory` announces every revocation and account deletion on
/// `notificationChannel`; each process's `CacheInvalidation` then forgets its entries at once. Unknown and
/// revoked keys are never cached.
public final class CredentialCache: Sendable {
    public static let notificationChannel = "cairn_access_keys"
    public static let defaultLifetime: Duration = .seconds(60)

    let lifetime: Duration
    private let entries = Mutex<[String: (credential: Credential, cachedAt: ContinuousClock.Instant)]>([:])

    public init(lifetime: Duration = defaultLifetime) {
        self.lifetime = lifetime
    }

    /// The key's credential: cached, or read from the directory and cached.
    public func credential(for accessKeyID: String, in directory: AccountDirectory) async throws -> Credential? {
        let now = ContinuousClock.now
        if let entry = entries.withLock({ $0[accessKeyID] }), now - entry.cachedAt < lifetime {
            return entry.credential
        }
        guard let credential = try await directory.credential(for: accessKeyID) else { return nil }
        entries.withLock { $0[accessKeyID] = (credential, now) }
        return credential
    }

    public func forgetAll() {
        entries.withLock { $0.removeAll() }
    }
}
