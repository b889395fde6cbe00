/// A KMS key's state, as AWS names it (`KeyState` in the KMS model).
public enum KeyState: String, Sendable, Codable, CaseIterable {
    case enabled = "Enabled"
    case disabled = "Disabled"
    case pendingDeletion = "PendingDeletion"
    case pendingImport = "PendingImport"
    case unavailable = "Unavailable"
    case creating = "Creating"

    /// A state read from `kms_keys.key_state`; anything else is a corrupted row, not a client error.
    init(stored text: String) throws {
        guard let state = KeyState(rawValue: text) else { throw StoredStateError(text: text) }
        self = state
    }

    struct StoredStateError: Error, CustomStringConvertible {
        let text: String
        var description: String { "kms_keys holds an unknown key state '\(text)'" }
    }
}
