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
        case .emailAddress: message.contains(0x40)
        case .creditCardNumber: hasRun(of: Self.cardMinimumDigits, counting: Scanners.isDigit, within: Self.isCardByte)
        case .awsSecretKey:
            hasRun(
                of: Self.secretKeyLength, counting: Scanners.isSecretCharacter, within: Scanners.isSecretCharacter)
        case .ipAddress, .creditCardExpiration, .creditCardSecurityCode: true
        }
    }

    static let cardMinimumDigits = 13
    static let secretKeyLength = 40

    static func isCardByte(_ byte: UInt8) -> Bool { Scanners.isDigit(byte) || byte == 0x20 || byte == 0x2D }

    /// Whether some run of `within` bytes holds at least `count` bytes that are `counted` (a subset of `within`).
    ///
    /// Such a run is at least `count` bytes long, so it covers one of every `count`-th byte: only runs through those
    /// bytes are measured.
    func hasRun(of count: Int, counting counted: (UInt8) -> Bool, within: (UInt8) -> Bool) -> Bool {
        var probe = message.startIndex + count - 1
        var measuredUpTo = message.startIndex
        while probe < message.endIndex {
            if probe >= measuredUpTo, within(message[probe]) {
                var start = probe
                while start > measuredUpTo, within(message[start - 1]) { start -= 1 }
                var end = probe + 1
                while end < message.endIndex, within(message[end]) { end += 1 }
                if end - start >= count, message[start..<end].count(where: counted) >= count { return true }
                measuredUpTo = end
            }
            probe += count
        }
        return false
    }
}
