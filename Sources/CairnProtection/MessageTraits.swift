import CairnBytes

/// Cheap refusals before the scanners run: most messages hold no `@`, no run of 40 key characters and no 13
/// digits together, so the e-mail, secret key and card scanners need not walk them. Each check is a necessary
/// condition of its scanner's matches, never a sufficient one.
struct MessageTraits {
    let message: Scanners.Bytes

    init(_ message: Scanners.Bytes) {
        self.message = message
    }

    /// Whether `identifier`'s scanner can find anything in the message.
    func mayHold(_ identifier: ManagedIdentifier) -> Bool {
        switch identifier {
        case .emailAddress:
            return Scanners.firstIndex(of: 0x40, in: message, from: message.startIndex) != nil
        case .creditCardNumber:
            let runs = Scanners.runs(of: .cardCharacters, atLeast: Self.cardMinimumDigits, in: message)
            return runs.contains { message[$0].count(where: Scanners.isDigit) >= Self.cardMinimumDigits }
        case .awsSecretKey:
            return !Scanners.runs(of: .keyCharacters, atLeast: Self.secretKeyLength, in: message).isEmpty
        case .ipAddress, .creditCardExpiration, .creditCardSecurityCode:
            return true
        }
    }

    static let cardMinimumDigits = 13
    static let secretKeyLength = 40
}
