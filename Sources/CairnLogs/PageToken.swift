import CairnCrypto
import CairnProtocol
import Foundation

/// Opaque pagination tokens: the position is sealed with AES-GCM and bound to the operation,
/// account and region, so a token can be neither read nor forged nor replayed elsewhere.
/// Its description never shows the key (services holding one are described in logs).
public struct PageToken: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    public var description: String { "PageToken(key: <redacted>)" }
    public var debugDescription: String { description }

    let key: [UInt8]

    public init(key: [UInt8]) {
        precondition(key.count == AESGCM.keyByteCount)
        self.key = key
    }

    func make(_ position: [String], operation: String, caller: Caller) -> String {
        let payload = JSONRequest.encode(position)
        // Sealing with a valid 32-byte key cannot fail.
        let sealed = (try? AESGCM.seal(payload, key: key, authenticating: Self.scope(operation, caller))) ?? []
        return Data(sealed).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    func read(_ token: String, operation: String, caller: Caller, fields: Int) throws(AWSError) -> [String] {
        var base64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64),
            let payload = try? AESGCM.open(Array(data), key: key, authenticating: Self.scope(operation, caller)),
            let position = try? JSONDecoder().decode([String].self, from: Data(payload)), position.count == fields
        else { throw .invalidNextToken }
        return position
    }

    private static func scope(_ operation: String, _ caller: Caller) -> [UInt8] {
        Array("\(operation)|\(caller.accountID)|\(caller.region)".utf8)
    }
}
