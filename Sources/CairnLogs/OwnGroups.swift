import CairnAccounts
import CairnProtocol

/// The groups an operation may change are the caller's own, named by name or by an ARN of its account and region.
enum OwnGroup {
    /// The caller's own group an identifier (name or ARN) names: another account's ARN names nothing it may
    /// change.
    static func name(_ identifier: String, _ caller: Caller) throws(AWSError) -> String {
        guard identifier.hasPrefix("arn:") else { return identifier }
        guard let reference = ResourceName.logGroupReference(identifier, caller: caller),
            reference.accountID == caller.accountID, reference.region == caller.region
        else { throw AWSError.logGroupNotFound }
        return reference.name
    }

    /// The caller's own group a required `logGroupIdentifier` names, after validating it.
    static func validated(_ identifier: String?, _ caller: Caller) throws(AWSError) -> String {
        var validation = Validation()
        validation.required(identifier, "logGroupIdentifier")
        validation.logGroupIdentifier(identifier)
        try validation.check()
        return try name(identifier ?? "", caller)
    }
}

extension AccountDirectory {
    /// The accounts a listing searches: the caller's, and with `linked` the source accounts linked to it;
    /// `only` narrows them.
    func searched(linked: Bool?, only wanted: [String]?, _ caller: Caller) async throws -> [String] {
        var accounts = [caller.accountID]
        if linked == true { accounts += try await sources(of: caller.accountID) }
        if let wanted, !wanted.isEmpty { accounts = accounts.filter(wanted.contains) }
        return accounts
    }
}
