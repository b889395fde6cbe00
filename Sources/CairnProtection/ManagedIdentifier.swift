import Foundation

/// The managed data identifiers Cairn detects, by their AWS names
/// (`arn:aws:dataprotection::aws:data-identifier/<name>`), each as a scanner over the bytes of a log event that
/// reports the ranges to mask. Matches are ASCII, so masking them byte for byte keeps the message's length in
/// characters too.
public enum ManagedIdentifier: String, CaseIterable, Sendable {
    case emailAddress = "EmailAddress"
    case ipAddress = "IpAddress"
    case creditCardNumber = "CreditCardNumber"
    case creditCardExpiration = "CreditCardExpiration"
    case creditCardSecurityCode = "CreditCardSecurityCode"
    case awsSecretKey = "AwsSecretKey"

    public static let arnPrefix = "arn:aws:dataprotection::aws:data-identifier/"

    public var arn: String { Self.arnPrefix + rawValue }

    /// The ranges of `message` this identifier detects.
    func matches(in message: Scanners.Bytes, traits: MessageTraits) -> [Range<Int>] {
        guard traits.mayHold(self) else { return [] }
        return switch self {
        case .emailAddress: Scanners.emailAddresses(message)
        case .ipAddress: Scanners.ipAddresses(message)
        case .creditCardNumber:
            Scanners.near(Keywords.creditCard, in: message, Scanners.cardNumbers(message))
        case .creditCardExpiration:
            Scanners.near(Keywords.expiration, in: message, Scanners.expirationDates(message))
        case .creditCardSecurityCode:
            Scanners.near(Keywords.securityCode, in: message, Scanners.digitRuns(message, lengths: 3...4))
        case .awsSecretKey:
            Scanners.near(Keywords.awsSecretKey, in: message, Scanners.secretKeys(message))
        }
    }
}

/// AWS's keyword lists (the managed identifiers' pages): a value counts only with one of them within 30
/// characters; a keyword with a space also matches it written without the space or with `_` or `-`.
enum Keywords {
    static let creditCard = expand([
        "account number", "american express", "amex", "bank card", "card", "card number", "card num", "cc #", "ccn",
        "check card", "credit", "credit card#", "dankort", "debit", "debit card", "diners club", "discover",
        "electron", "japanese card bureau", "jcb", "mastercard", "mc", "pan", "payment account number",
        "payment card number", "pcn", "union pay", "visa",
    ])
    static let expiration = expand(["exp d", "exp m", "exp y", "expiration", "expiry"])
    static let securityCode = expand([
        "card id", "card identification code", "card identification number", "card security code",
        "card validation code", "card validation number", "card verification data", "card verification value",
        "cvc", "cvc2", "cvv", "cvv2", "elo verification code",
    ])
    static let awsSecretKey = expand([
        "aws_secret_access_key", "credentials", "secret access key", "secret key", "set-awscredential",
    ])

    /// Lower-case byte strings: each keyword, and with a space, its forms without it and with `_` or `-`.
    static func expand(_ keywords: [String]) -> [[UInt8]] {
        var forms: Set<String> = []
        for keyword in keywords {
            forms.insert(keyword)
            if keyword.contains(" ") {
                for joiner in ["", "_", "-"] { forms.insert(keyword.replacingOccurrences(of: " ", with: joiner)) }
            }
        }
        return forms.sorted().map { Array($0.utf8) }
    }
}
