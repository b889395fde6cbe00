import CairnKeys
import CairnProtocol
import CairnStore
import Foundation
import PostgresNIO

struct AssociateKmsKeyRequest: Decodable {
    let logGroupName: String?
    let kmsKeyId: String?
    let resourceIdentifier: String?
}

extension AWSError {
    static func kmsKeyNotAllowed(_ groupARN: String) -> AWSError {
        .accessDenied("The specified KMS key does not exist or is not allowed to be used with Arn '\(groupARN)'")
    }
}

extension DataKeyError {
    /// What a client sees when a log group's data cannot be opened.
    var awsError: AWSError {
        switch self {
        case .destroyed: .logGroupNotFound
        case .keyNotAllowed(let arn):
            .accessDenied(
                "The KMS key \(arn) that protects this log group does not allow this account to use it "
                    + "(its key policy); the group's data cannot be read or written.")
        case .keyUnusable(let arn, let state):
            .accessDenied(
                "The KMS key \(arn) that protects this log group is \(state == .disabled ? "disabled" : "pending deletion"); "
                    + "its data cannot be read or written until the key is enabled.")

        case .keyMaterialDestroyed(let keyID):
            .accessDenied(
                "The KMS key \(keyID.uuidString.lowercased()) that protected this log group's data was deleted; "
                    + "that data can never be decrypted again.")
        }
    }
}

/// Log groups under customer managed keys: kmsKeyId at creation, AssociateKmsKey, DisassociateKmsKey.
/// A change of key starts a new data key version wrapped by the new key; older chunks stay readable while
/// the keys that wrap their data keys are usable.
extension LogGroupHandlers {
    /// Checks a `kmsKeyId` for a group: an enabled customer key of the caller. Returns its ARN and id.
    func customerKey(
        _ reference: String, forGroup name: String, _ caller: Caller
    ) async throws -> (arn: String, id: UUID, owner: String) {
        guard let key = try await keys.keyForLogGroup(reference, caller) else {
            throw AWSError.kmsKeyNotAllowed(ResourceName.logGroup(caller, name))
        }
        return key
    }

    func associateKmsKey(_ request: AssociateKmsKeyRequest, _ caller: Caller) async throws -> EmptyResponse {
        var validation = Validation()
        validation.logGroupName(request.logGroupName, required: request.resourceIdentifier == nil)
        validation.required(request.kmsKeyId, "kmsKeyId")
        validation.string(request.kmsKeyId, "kmsKeyId", max: LogsLimits.kmsKeyIdMaxLength)
        try validation.check()
        let name = try groupName(request.logGroupName, request.resourceIdentifier, caller)
        _ = try await groups.resolve(name, caller).id
        let key = try await customerKey(request.kmsKeyId ?? "", forGroup: name, caller)
        try await setGroupKey(name, key: key, caller)
        return EmptyResponse()
    }

    func disassociateKmsKey(_ request: AssociateKmsKeyRequest, _ caller: Caller) async throws -> EmptyResponse {
        var validation = Validation()
        validation.logGroupName(request.logGroupName, required: request.resourceIdentifier == nil)
        try validation.check()
        let name = try groupName(request.logGroupName, request.resourceIdentifier, caller)
        try await setGroupKey(name, key: nil, caller)
        return EmptyResponse()
    }

    private func groupName(_ name: String?, _ identifier: String?, _ caller: Caller) throws(AWSError) -> String {
        if let name { return name }
        guard let identifier, let reference = ResourceName.logGroupReference(identifier, caller: caller),
            reference.accountID == caller.accountID, reference.region == caller.region
        else { throw AWSError.logGroupNotFound }
        return reference.name
    }

    private func setGroupKey(
        _ name: String, key: (arn: String, id: UUID, owner: String)?, _ caller: Caller
    )
        async throws
    {
        let owner = key.map { $0.owner == caller.accountID ? nil : $0.owner } ?? nil
        let rows = try await database.query(
            """
            UPDATE log_groups SET kms_key_id = \(key?.arn), kms_key_uuid = \(key?.id), kms_key_account = \(owner)
            WHERE account_id = \(caller.accountID) AND region = \(caller.region) AND name = \(name) RETURNING group_id
            """)
        for try await _ in rows.decode(Int64.self) {
            await keyRing.announceKeyChange()
            return
        }
        throw AWSError.logGroupNotFound
    }
}
