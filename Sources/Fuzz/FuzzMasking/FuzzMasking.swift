import CairnProtection

/// libFuzzer entry point for data protection (PutDataProtectionPolicy's document and the masking of every ingested
/// event of a protected group). The input's first byte chooses the check:
/// - even: the rest is a policy document; `DataProtectionPolicy.Invalid` is the expected answer to most inputs;
/// - odd: the second byte's bits choose managed identifiers; the text up to the first NUL byte after it is a custom
///   identifier's expression (none when empty or invalid), and the rest is a message to mask.
///
/// A message's findings lie inside it; the merged matches are sorted, not empty, apart; masking writes asterisks
/// over exactly them and keeps the length. A trap, a failed precondition or a hang is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMasking(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let mode = bytes.first else { return 0 }
    if mode & 1 == 0 {
        _ = try? DataProtectionPolicy(String(decoding: bytes.dropFirst(), as: UTF8.self))
        return 0
    }
    let choice = bytes.count > 1 ? bytes[1] : 0
    let identifiers = ManagedIdentifier.allCases.enumerated().filter { choice & (1 << UInt8($0.offset)) != 0 }
        .map(\.element)
    let rest = bytes.dropFirst(2)
    let split = rest.firstIndex(of: 0) ?? rest.endIndex
    let expression = String(decoding: rest[..<split], as: UTF8.self)
    // A message placed inside a larger array, as a batch's messages are, so that slice indices are exercised.
    let message = Array("<".utf8) + Array(rest[split...].dropFirst()) + Array(">".utf8)
    let range = 1..<(message.count - 1)

    let policy = expression.isEmpty ? nil : try? DataProtectionPolicy(document(custom: expression))
    let masker = Masker(identifiers, custom: policy?.customIdentifiers ?? [])
    let findings = masker.findings(in: message[range])
    for finding in findings {
        precondition(!finding.ranges.isEmpty, "a finding without ranges")
        for found in finding.ranges {
            precondition(range.contains(found.lowerBound) && found.upperBound <= range.upperBound, "outside")
        }
    }
    let merged = Masker.merged(findings.flatMap(\.ranges))
    precondition(merged == masker.matches(in: message[range]), "matches differ from merged findings")
    for (first, second) in zip(merged, merged.dropFirst()) {
        precondition(first.upperBound < second.lowerBound, "merged ranges touch or overlap")
    }
    var masked = message
    let changed = masker.mask(&masked, in: range)
    precondition(changed == !merged.isEmpty && masked.count == message.count)
    for index in message.indices {
        let inside = merged.contains { $0.contains(index) }
        precondition(masked[index] == (inside ? UInt8(ascii: "*") : message[index]), "masked the wrong bytes")
    }
    return 0
}

/// A policy whose one custom identifier has `expression`, audited and masked by it alone (the managed identifiers
/// the input chose are given to the masker directly).
private func document(custom expression: String) -> String {
    let escaped = expression.unicodeScalars.map { scalar -> String in
        switch scalar {
        case "\"": return "\\\""
        case "\\": return "\\\\"
        default: return scalar.value < 0x20 ? "" : String(scalar)
        }
    }.joined()
    return """
        {"Name": "fuzz", "Version": "2021-06-01",
         "Configuration": {"CustomDataIdentifier": [{"Name": "Custom", "Regex": "\(escaped)"}]},
         "Statement": [
          {"Sid": "audit", "DataIdentifier": ["Custom"], "Operation": {"Audit": {"FindingsDestination": {}}}},
          {"Sid": "redact", "DataIdentifier": ["Custom"], "Operation": {"Deidentify": {"MaskConfig": {}}}}]}
        """
}
