public import CairnAccounts
public import CairnProtocol
import CairnStore
public import Foundation

/// Verifies SigV4 on every request against the access keys stored for each account.
public struct Authenticator: Sendable {
    let directory: AccountDirectory
    let credentials: CredentialCache

    public init(directory: AccountDirectory, credentials: CredentialCache) {
        self.directory = directory
        self.credentials = credentials
    }

    /// Returns the caller: the key's account and role, the signature's region.
    public func authenticate(
        _ request: SigV4.Request, authorization: String?, amzDate: String?, services: Set<String>, now: Date = Date()
    ) async throws -> Caller {
        let signed = try SignedRequest(authorization: authorization)
        let date = try signed.checkScope(amzDate: amzDate, expectedServices: services, now: now)
        guard let credential = try await credentials.credential(for: signed.accessKeyID, in: directory) else {
            throw AWSError.unrecognizedClient
        }
        try signed.verify(request, amzDate: date, secret: credential.secret)
        return Caller(
            accountID: credential.accountID, region: signed.region, accessKeyID: signed.accessKeyID,
            role: credential.role)
    }
}
