import CairnProtocol

/// libFuzzer entry point for access policies as Cairn reads them (PutResourcePolicy, PutDestinationPolicy, KMS key
/// policies; every cross-account request evaluates one). The input up to its first NUL byte is the policy document;
/// the lines after it are a request: account, principal, action, region, source account, source ARN, `kms:ViaService`,
/// resource ARN, then `key=value` encryption context pairs (an empty line leaves a member out).
/// `ResourcePolicy.Malformed` is the expected answer to most documents; a trap, a failed precondition or a hang is a
/// finding. For a document that parses, the decision must be the same however it is asked for.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPolicy(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    let split = bytes.firstIndex(of: 0) ?? size
    let document = String(decoding: bytes[..<split], as: UTF8.self)
    guard let policy = try? ResourcePolicy(document) else { return 0 }
    let lines =
        split < size
        ? bytes[(split + 1)...].split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            .map { String(decoding: $0, as: UTF8.self) } : []
    func line(_ number: Int) -> String? { number < lines.count && !lines[number].isEmpty ? lines[number] : nil }
    var context: [String: String] = [:]
    for pair in lines.dropFirst(8) {
        let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        context[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
    }
    var request = PolicyRequest(
        account: line(0) ?? "111122223333", principal: line(1) ?? "arn:aws:iam::111122223333:root",
        action: line(2) ?? "logs:GetLogEvents", region: line(3) ?? "us-east-1", sourceAccount: line(4),
        sourceARN: line(5), viaService: line(6), encryptionContext: lines.count > 8 ? context : nil)
    request.resource = line(7)
    let decision = policy.decision(request)
    precondition(policy.allows(request) == (decision == .allowed), "allows and decision disagree")
    precondition(ResourcePolicy.allows(document, request) == (decision == .allowed), "the static form disagrees")
    return 0
}
