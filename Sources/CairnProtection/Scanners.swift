import CairnBytes

/// The byte scanners behind the managed identifiers: each returns the ranges (in the slice's indices) to mask.
enum Scanners {
    /// A message's bytes, indexed as the caller's array slice is: unsafe buffers carry no reference count and no
    /// bounds checks in release builds, and the scanners look at every byte.
    typealias Bytes = Slice<UnsafeBufferPointer<UInt8>>

    /// Runs `body` over `message`'s bytes with the slice's own indices.
    static func withBytes<Result>(_ message: ArraySlice<UInt8>, _ body: (Bytes) -> Result) -> Result {
        message.withUnsafeBufferPointer { buffer in
            guard let address = buffer.baseAddress else {
                return body(Slice(base: UnsafeBufferPointer(start: nil, count: 0), bounds: 0..<0))
            }
            // The buffer's base is moved back by the slice's start so that both index the same bytes alike.
            let base = UnsafeBufferPointer(start: address - message.startIndex, count: message.endIndex)
            return body(Slice(base: base, bounds: message.startIndex..<message.endIndex))
        }
    }

    /// The first `target` in `message[start...]`, eight bytes at a time.
    static func firstIndex(of target: UInt8, in message: Bytes, from start: Int) -> Int? {
        guard let base = message.base.baseAddress else { return nil }
        var index = start
        // Eight bytes at a time up to the word that holds the target; the byte loop finds it there.
        while index + 8 <= message.endIndex, !ByteWord.contains(target, in: ByteWord.load(base, at: index)) {
            index += 8
        }
        while index < message.endIndex {
            if message[index] == target { return index }
            index += 1
        }
        return nil
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
    static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A }
    static func isAlphanumeric(_ byte: UInt8) -> Bool { isDigit(byte) || isLetter(byte) }

    // MARK: e-mail addresses

    static func isLocal(_ byte: UInt8) -> Bool {
        isAlphanumeric(byte) || byte == 0x2E || byte == 0x5F || byte == 0x25 || byte == 0x2B || byte == 0x2D
    }
    static func isDomain(_ byte: UInt8) -> Bool { isAlphanumeric(byte) || byte == 0x2E || byte == 0x2D }

    /// `local@domain.tld`: a local part of letters, digits and `._%+-`, a domain of labels with a top-level label
    /// of two letters or more.
    static func emailAddresses(_ message: Bytes) -> [Range<Int>] {
        var found: [Range<Int>] = []
        var index = message.startIndex
        while let at = firstIndex(of: 0x40, in: message, from: index) {
            var start = at
            while start > message.startIndex, isLocal(message[start - 1]) { start -= 1 }
            while start < at, message[start] == 0x2E { start += 1 }
            var end = at + 1
            while end < message.endIndex, isDomain(message[end]) { end += 1 }
            while end > at + 1, message[end - 1] == 0x2E || message[end - 1] == 0x2D { end -= 1 }
            let domain = message[(at + 1)..<end]
            if start < at, let dot = domain.lastIndex(of: 0x2E), dot > domain.startIndex,
                domain.distance(from: dot, to: domain.endIndex) >= 3,
                domain[(dot + 1)...].allSatisfy(isLetter),
                !domain.indices.dropFirst().contains(where: { domain[$0] == 0x2E && domain[$0 - 1] == 0x2E })
            {
                found.append(start..<end)
                index = end
            } else {
                index = at + 1
            }
            if index >= message.endIndex { break }
        }
        return found
    }

    // MARK: IP addresses

    /// IPv4 and IPv6 addresses (one array: most messages hold one address or none).
    static func ipAddresses(_ message: Bytes) -> [Range<Int>] {
        var found = ipv4Addresses(message)
        let ipv6 = ipv6Addresses(message)
        if !ipv6.isEmpty { found.append(contentsOf: ipv6) }
        return found
    }

    /// Dotted IPv4 addresses, four octets of 0–255, not part of a longer run of digits and dots.
    ///
    /// An address starts a run of digits and dots of at least 7 bytes (`1.2.3.4`) with no letter before it, so only
    /// such runs are parsed (found by probing every 7th byte).
    static func ipv4Addresses(_ message: Bytes) -> [Range<Int>] {
        var found: [Range<Int>] = []
        forEachRun(of: .digitsAndDots, atLeast: 7, in: message) { run in
            let start = run.lowerBound
            guard isDigit(message[start]), start == message.startIndex || !isLetter(message[start - 1]) else {
                return
            }
            if let address = ipv4Address(in: message, at: start) { found.append(address) }
        }
        return found
    }

    /// The address starting at `start` (four octets, not followed by a digit, a letter or a dot and a digit).
    private static func ipv4Address(in message: Bytes, at start: Int) -> Range<Int>? {
        var cursor = start
        for octet in 1...4 {
            let digitsStart = cursor
            var value = 0
            while cursor < message.endIndex, isDigit(message[cursor]), cursor - digitsStart < 4 {
                value = value * 10 + Int(message[cursor] - 0x30)
                cursor += 1
            }
            guard (1...3).contains(cursor - digitsStart), value <= 255 else { return nil }
            if octet < 4 {
                guard cursor < message.endIndex, message[cursor] == 0x2E else { return nil }
                cursor += 1
            }
        }
        let followed =
            cursor < message.endIndex
            && (isDigit(message[cursor]) || isLetter(message[cursor])
                || (message[cursor] == 0x2E && cursor + 1 < message.endIndex && isDigit(message[cursor + 1])))
        return followed ? nil : start..<cursor
    }

    /// The maximal runs of `members` at least `length` bytes long, in order. Such a run covers one of every
    /// `length`-th byte, so only runs through those bytes are measured.
    static func runs(of members: ByteSet, atLeast length: Int, in message: Bytes) -> [Range<Int>] {
        var found: [Range<Int>] = []
        forEachRun(of: members, atLeast: length, in: message) { found.append($0) }
        return found
    }

    /// Calls `body` with each run `runs(of:atLeast:in:)` returns, without collecting them.
    @inline(__always)
    static func forEachRun(
        of members: ByteSet, atLeast length: Int, in message: Bytes, _ body: (Range<Int>) -> Void
    ) {
        var probe = message.startIndex + length - 1
        var measuredUpTo = message.startIndex
        while probe < message.endIndex {
            if probe >= measuredUpTo, members.contains(message[probe]) {
                var start = probe
                while start > measuredUpTo, members.contains(message[start - 1]) { start -= 1 }
                var end = probe + 1
                while end < message.endIndex, members.contains(message[end]) { end += 1 }
                if end - start >= length { body(start..<end) }
                measuredUpTo = end
            }
            probe += length
        }
    }

    static func isHex(_ byte: UInt8) -> Bool { isDigit(byte) || ((byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x66) }

    /// IPv6 addresses (RFC 4291 text forms): eight groups of 1–4 hex digits, or fewer around one `::`, the last
    /// two groups possibly a dotted IPv4 address; at least one hex digit (`::1`, `fe80::1`, `::ffff:192.0.2.1`,
    /// `2001:db8:0:0:0:0:2:1`). Not part of a longer word; a trailing `:` or `.` (punctuation, a port written
    /// after the address) is left out when the address is valid without it. Times (`12:34:56`) and MAC addresses
    /// (six groups, no `::`) are not addresses.
    static func ipv6Addresses(_ message: Bytes) -> [Range<Int>] {
        var found: [Range<Int>] = []
        var index = message.startIndex
        while let colon = firstIndex(of: 0x3A, in: message, from: index) {
            // Colons are counted on the way: every address has two or more (`::`), and most colons in text
            // (JSON's `"key":"value"`, `Error: …`) stand alone.
            var colons = 1
            var start = colon
            while start > message.startIndex, isHex(message[start - 1]) || message[start - 1] == 0x3A {
                start -= 1
                if message[start] == 0x3A { colons += 1 }
            }
            var end = colon + 1
            while end < message.endIndex, isHex(message[end]) || message[end] == 0x3A || message[end] == 0x2E {
                if message[end] == 0x3A { colons += 1 }
                end += 1
            }
            let bounded =
                colons >= 2 && (start == message.startIndex || !isAlphanumeric(message[start - 1]))
                && (end == message.endIndex || !isAlphanumeric(message[end]) || message[end] == 0x25)
            var valid: Int?
            // The longest text form is 45 characters (IPv4-mapped); at most two trailing characters are tried off.
            if bounded, end - start <= maximumIPv6Length + 2 {
                var candidate = end
                while candidate > start, end - candidate <= 2 {
                    if isIPv6(message[start..<candidate]) {
                        valid = candidate
                        break
                    }
                    guard message[candidate - 1] == 0x3A || message[candidate - 1] == 0x2E else { break }
                    candidate -= 1
                }
            }
            if let valid {
                found.append(start..<valid)
            }
            index = max(end, colon + 1)
            if index >= message.endIndex { break }
        }
        return found
    }

    static let maximumIPv6Length = 45

    /// Whether `text` is exactly one IPv6 address in text form.
    static func isIPv6(_ text: Bytes) -> Bool {
        guard text.count >= 2, text.count <= maximumIPv6Length, text.contains(where: isHex) else { return false }
        // Cheap refusals first: times (`12:00:00`) and JSON's `"key":"value"` have too few colons.
        let colons = text.count { $0 == 0x3A }
        guard colons >= 2, colons <= 7 else { return false }
        let bytes = text
        var compressed: Int? = nil
        for index in bytes.startIndex..<(bytes.endIndex - 1) where bytes[index] == 0x3A && bytes[index + 1] == 0x3A {
            guard compressed == nil || compressed == index - 1 else { return false }
            if compressed == nil { compressed = index } else { return false }
        }
        if compressed == nil, colons < 6 { return false }
        func groups(_ part: Bytes, allowIPv4: Bool) -> Int? {
            guard !part.isEmpty else { return 0 }
            let pieces = part.split(separator: 0x3A, omittingEmptySubsequences: false)
            var count = 0
            for (offset, piece) in pieces.enumerated() {
                if piece.contains(0x2E) {
                    guard allowIPv4, offset == pieces.count - 1, ipv4Addresses(piece) == [piece.indices] else {
                        return nil
                    }
                    count += 2
                } else {
                    guard (1...4).contains(piece.count), piece.allSatisfy(isHex) else { return nil }
                    count += 1
                }
            }
            return count
        }
        if let compressed {
            guard let left = groups(bytes[..<compressed], allowIPv4: false),
                let right = groups(bytes[(compressed + 2)...], allowIPv4: true)
            else { return false }
            return left + right <= 7
        }
        return groups(bytes[...], allowIPv4: true) == 8
    }

    // MARK: card numbers, dates, codes

    /// Runs of 13–19 digits (single spaces or dashes may separate groups) that pass the Luhn check, start with a
    /// card network's prefix, and are not one of the issuers' public test numbers, which AWS never reports.
    static func cardNumbers(_ message: Bytes) -> [Range<Int>] {
        var found: [Range<Int>] = []
        var index = message.startIndex
        while index < message.endIndex {
            guard isDigit(message[index]), index == message.startIndex || !isAlphanumeric(message[index - 1]) else {
                index += 1
                continue
            }
            // Counted first: most runs of digits (times, sizes, codes) are far too short to be a card.
            var count = 0
            var cursor = index
            var end = index
            while cursor < message.endIndex {
                if isDigit(message[cursor]) {
                    count += 1
                    cursor += 1
                    end = cursor
                } else if message[cursor] == 0x20 || message[cursor] == 0x2D, cursor + 1 < message.endIndex,
                    isDigit(message[cursor + 1])
                {
                    cursor += 1
                } else {
                    break
                }
            }
            let bounded = end == message.endIndex || !isAlphanumeric(message[end])
            guard bounded, (13...19).contains(count) else {
                index = max(end, index + 1)
                continue
            }
            let digits = message[index..<end].filter(isDigit).map { $0 - 0x30 }
            if luhn(digits), hasCardPrefix(digits),
                !testNumbers.contains(String(decoding: digits.map { $0 + 0x30 }, as: UTF8.self))
            {
                found.append(index..<end)
            }
            index = max(end, index + 1)
        }
        return found
    }

    static func luhn(_ digits: [UInt8]) -> Bool {
        var sum = 0
        for (position, digit) in digits.reversed().enumerated() {
            var value = Int(digit)
            if position % 2 == 1 {
                value *= 2
                if value > 9 { value -= 9 }
            }
            sum += value
        }
        return sum % 10 == 0
    }

    /// Visa and Electron, Mastercard, American Express, Discover, JCB, Diners Club, UnionPay, Dankort.
    static func hasCardPrefix(_ digits: [UInt8]) -> Bool {
        func prefix(_ count: Int) -> Int { digits.prefix(count).reduce(0) { $0 * 10 + Int($1) } }
        let two = prefix(2)
        let three = prefix(3)
        let four = prefix(4)
        let six = prefix(6)
        return digits.first == 4 || (51...55).contains(two) || (2221...2720).contains(four) || two == 34 || two == 37
            || four == 6011 || (644...649).contains(three) || two == 65 || (622126...622925).contains(six)
            || (3528...3589).contains(four) || (300...305).contains(three) || three == 309 || two == 36
            || two == 38 || two == 39 || two == 62 || four == 5019
    }

    /// `MM/YY`, `MM/YYYY`, `MM-YY` or `MM-YYYY` with a month of 01–12.
    static func expirationDates(_ message: Bytes) -> [Range<Int>] {
        var found: [Range<Int>] = []
        var index = message.startIndex
        while index + 4 < message.endIndex + 0 {
            let separatorAt = index + 2
            if index == message.startIndex || !isAlphanumeric(message[index - 1]),
                separatorAt < message.endIndex, isDigit(message[index]), isDigit(message[index + 1]),
                message[separatorAt] == 0x2F || message[separatorAt] == 0x2D
            {
                let month = Int(message[index] - 0x30) * 10 + Int(message[index + 1] - 0x30)
                var end = separatorAt + 1
                while end < message.endIndex, isDigit(message[end]) { end += 1 }
                let year = end - separatorAt - 1
                let bounded = end == message.endIndex || !isAlphanumeric(message[end])
                if (1...12).contains(month), year == 2 || year == 4, bounded {
                    found.append(index..<end)
                    index = end
                    continue
                }
            }
            index += 1
        }
        return found
    }

    /// Runs of digits of the given lengths, not part of a longer alphanumeric run.
    static func digitRuns(_ message: Bytes, lengths: ClosedRange<Int>) -> [Range<Int>] {
        var found: [Range<Int>] = []
        var index = message.startIndex
        while index < message.endIndex {
            guard isDigit(message[index]) else {
                index += 1
                continue
            }
            var end = index
            while end < message.endIndex, isDigit(message[end]) { end += 1 }
            let bounded =
                (index == message.startIndex || !isAlphanumeric(message[index - 1]))
                && (end == message.endIndex || !isAlphanumeric(message[end]))
            if bounded, lengths.contains(end - index) { found.append(index..<end) }
            index = end
        }
        return found
    }

    static func isSecretCharacter(_ byte: UInt8) -> Bool { isAlphanumeric(byte) || byte == 0x2F || byte == 0x2B }

    /// 40 characters of `[A-Za-z0-9/+]` with a digit, `/` or `+` among them, bounded on both sides.
    static func secretKeys(_ message: Bytes) -> [Range<Int>] {
        var found: [Range<Int>] = []
        var index = message.startIndex
        while index < message.endIndex {
            guard isSecretCharacter(message[index]) else {
                index += 1
                continue
            }
            var end = index
            while end < message.endIndex, isSecretCharacter(message[end]) { end += 1 }
            let bounded = end == message.endIndex || message[end] != 0x3D
            if bounded, end - index == 40,
                message[index..<end].contains(where: { isDigit($0) || $0 == 0x2F || $0 == 0x2B })
            {
                found.append(index..<end)
            }
            index = end
        }
        return found
    }

    // MARK: keywords

    /// The candidates with a keyword (case-insensitive, not inside a word on its left) ending at most 30 characters
    /// before them or starting at most 30 characters after them.
    static func near(_ keywords: [[UInt8]], in message: Bytes, _ candidates: [Range<Int>]) -> [Range<Int>] {
        guard !candidates.isEmpty else { return [] }
        var spots: [Range<Int>] = []
        let lower = message.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
        for keyword in keywords {
            guard let first = keyword.first else { continue }
            var position = 0
            while position + keyword.count <= lower.count {
                if lower[position] == first, lower[position..<(position + keyword.count)].elementsEqual(keyword),
                    position == 0 || !isLetter(lower[position - 1])
                {
                    spots.append((message.startIndex + position)..<(message.startIndex + position + keyword.count))
                }
                position += 1
            }
        }
        // Sorted once, each candidate looks up only the nearest spot on each side: a message of a million keywords
        // and candidates takes milliseconds, not the minutes of comparing every pair.
        let ends = spots.map(\.upperBound).sorted()
        let starts = spots.map(\.lowerBound).sorted()
        return candidates.filter { candidate in
            // The first keyword ending at or after 30 characters before the candidate, if it ends before it.
            let before = firstIndex(in: ends, notBelow: candidate.lowerBound - 30)
            if before < ends.count, ends[before] <= candidate.lowerBound { return true }
            // The first keyword starting at or after the candidate's end, if it starts within 30 characters.
            let after = firstIndex(in: starts, notBelow: candidate.upperBound)
            return after < starts.count && starts[after] - candidate.upperBound <= 30
        }
    }

    /// The index of the first element of the sorted `values` that is at least `bound` (`values.count` if none).
    static func firstIndex(in values: [Int], notBelow bound: Int) -> Int {
        var (low, high) = (0, values.count)
        while low < high {
            let middle = (low + high) / 2
            if values[middle] < bound { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// The issuers' public test numbers AWS lists as never reported.
    static let testNumbers: Set<String> = [
        "122000000000003",
        "2222405343248877",
        "2222990905257051",
        "2223007648726984",
        "2223577120017656",
        "30569309025904",
        "34343434343434",
        "3528000700000000",
        "3530111333300000",
        "3566002020360505",
        "36148900647913",
        "36700102000000",
        "371449635398431",
        "378282246310005",
        "378734493671000",
        "38520000023237",
        "4012888888881881",
        "4111111111111111",
        "4222222222222",
        "4444333322221111",
        "4462030000000000",
        "4484070000000000",
        "4911830000000",
        "4917300800000000",
        "4917610000000000",
        "4917610000000000003",
        "5019717010103742",
        "5105105105105100",
        "5111010030175156",
        "5185540810000019",
        "5200828282828210",
        "5204230080000017",
        "5204740009900014",
        "5420923878724339",
        "5454545454545454",
        "5455330760000018",
        "5506900490000436",
        "5506900490000444",
        "5506900510000234",
        "5506920809243667",
        "5506922400634930",
        "5506927427317625",
        "5553042241984105",
        "5555553753048194",
        "5555555555554444",
        "5610591081018250",
        "6011000990139424",
        "6011000400000000",
        "6011111111111117",
        "630490017740292441",
        "630495060000000000",
        "6331101999990016",
        "6759649826438453",
        "6799990100000000019",
        "76009244561",
    ]
}

/// The byte classes the scanners' candidate runs are made of.
extension ByteSet {
    static let digitsAndDots = ByteSet { Scanners.isDigit($0) || $0 == 0x2E }
    /// What an AWS secret key is made of.
    static let keyCharacters = ByteSet(Scanners.isSecretCharacter)
    /// What a card number is written with.
    static let cardCharacters = ByteSet { Scanners.isDigit($0) || $0 == 0x20 || $0 == 0x2D }
}
