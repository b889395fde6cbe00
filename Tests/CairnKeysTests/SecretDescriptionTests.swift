import CairnProtocol
import Testing

@testable import CairnAccounts
@testable import CairnKeys

/// Values holding key material or secrets never show them when described (a `"\(x)"` in a log, an error).
@Suite struct SecretDescriptionTests {
    @Test func keysAndSecretsAreRedacted() {
        let material = [UInt8](repeating: 0xCD, count: 32)
        let dataKey = DataKey(version: 3, material: material)
        let credential = Credential(accountID: "123456789012", role: .admin, secret: "s3cr3t-v4lue")
        let issued = IssuedAccessKey(
            accessKeyID: "AKIAREDACTED", secretAccessKey: "s3cr3t-v4lue", accountID: "123456789012", role: .writer)
        for text in [
            "\(dataKey)", String(reflecting: dataKey), "\([dataKey])", "\(credential)", String(reflecting: credential),
            "\(issued)", String(reflecting: issued), "\(Optional(issued) as Any)",
        ] {
            #expect(!text.contains("205") && !text.contains("s3cr3t"), "\(text)")
            #expect(text.contains("<redacted>"), "\(text)")
        }
    }
}
