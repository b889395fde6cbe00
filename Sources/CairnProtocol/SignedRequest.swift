import CairnCalendar
import CairnCrypto
public import Foundation

/// What the `Authorization` header of a SigV4 request claims: who, when, where, which headers.
public struct SignedRequest: Sendable, Equatable {
    public let accessKeyID: String
    public let date: String
    public let region: String
    public let service: String
    public let signedHeaders: [String]
    public let signature: String

    public var scope: String { "\(date)/\(region)/\(service)/aws4_request" }

    /// Parses `AWS4-HMAC-SHA256 Credential=AK/20150830/us-east-1/service/aws4_request, SignedHeaders=a;b, Signature=hex`.
    public init(authorization header: String?) throws(AWSError) {
        guard let header, !header.isEmpty else { throw .missingAuthenticationToken }
        let trimmed = header.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasPrefix(SigV4.algorithm + " ") else {
            throw .incompleteSignature(
                "Authorization header must use the AWS4-HMAC-SHA256 algorithm. Authorization=\(trimmed)")
        }
        var fields: [String: String] = [:]
        for part in trimmed.dropFirst(SigV4.algorithm.count + 1).split(separator: ",") {
            let pair = part.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { continue }
            fields[String(pair[0])] = String(pair[1])
        }
        var missing: [String] = []
        for name in ["Credential", "Signature", "SignedHeaders"] where fields[name] == nil {
            missing.append("Authorization header requires '\(name)' parameter.")
        }
        guard missing.isEmpty, let credential = fields["Credential"], let signedHeaders = fields["SignedHeaders"],
            let signature = fields["Signature"]
        else {
            throw .incompleteSignature(missing.joined(separator: " ") + " Authorization=\(trimmed)")
        }
        let scope = credential.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard scope.count == 5, scope[4] == "aws4_request", !scope[0].isEmpty else {
            throw .incompleteSignature(
                "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '\(credential)'"
            )
        }
        self.accessKeyID = scope[0]
        self.date = scope[1]
        self.region = scope[2]
        self.service = scope[3]
        self.signedHeaders = signedHeaders.split(separator: ";").map { $0.lowercased() }
        self.signature = signature.lowercased()
    }

    /// Checks everything but the secret: the scope's service, the date header against the
    /// scope and the clock (15 minutes either way). Returns the `X-Amz-Date` value to sign with.
    public func checkScope(
        amzDate: String?, expectedServices: Set<String>, now: Date, skew: TimeInterval = 15 * 60
    ) throws(AWSError) -> String {
        guard expectedServices.contains(service) else {
            throw .invalidSignature(
                "Credential should be scoped to correct service: '\(expectedServices.sorted().joined(separator: "' or '"))'. "
            )
        }
        guard !region.isEmpty, region.utf8.count <= 32,
            region.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" })
        else {
            throw .invalidSignature("Credential should be scoped to a valid region. ")
        }
        guard signedHeaders.contains("host") else {
            throw .invalidSignature("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.")
        }
        guard let amzDate, let requestTime = SignedRequest.parse(amzDate: amzDate) else {
            throw .incompleteSignature(
                "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
        }
        guard amzDate.hasPrefix(date) else {
            throw .invalidSignature(
                "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '\(date)' != '\(amzDate.prefix(8))', from '\(amzDate)'."
            )
        }
        if requestTime < now.addingTimeInterval(-skew) {
            let earliest = SignedRequest.format(now.addingTimeInterval(-skew))
            throw .invalidSignature(
                "Signature expired: \(amzDate) is now earlier than \(earliest) (\(SignedRequest.format(now)) - 15 min.)"
            )
        }
        if requestTime > now.addingTimeInterval(skew) {
            let latest = SignedRequest.format(now.addingTimeInterval(skew))
            throw .invalidSignature(
                "Signature not yet current: \(amzDate) is still later than \(latest) (\(SignedRequest.format(now)) + 15 min.)"
            )
        }
        return amzDate
    }

    /// Verifies the signature with the caller's secret.
    public func verify(_ request: SigV4.Request, amzDate: String, secret: String) throws(AWSError) {
        let canonical = SigV4.canonicalRequest(request, signedHeaders: signedHeaders)
        let toSign = SigV4.stringToSign(canonicalRequest: canonical, amzDate: amzDate, scope: scope)
        let key = SigV4.signingKey(secret: secret, date: date, region: region, service: service)
        let expected = SigV4.signature(signingKey: key, stringToSign: toSign)
        guard constantTimeEquals(Array(expected.utf8), Array(signature.utf8)) else { throw .signatureMismatch }
    }

    /// `yyyyMMdd'T'HHmmss'Z'`, UTC.
    public static func parse(amzDate: String) -> Date? {
        let digits = Array(amzDate.utf8)
        guard digits.count == 16, digits[8] == UInt8(ascii: "T"), digits[15] == UInt8(ascii: "Z") else { return nil }
        func number(_ range: Range<Int>) -> Int? { Int(String(decoding: digits[range], as: UTF8.self)) }
        guard let year = number(0..<4), let month = number(4..<6), let day = number(6..<8),
            let hour = number(9..<11), let minute = number(11..<13), let second = number(13..<15)
        else { return nil }
        var components = DateComponents()
        (components.year, components.month, components.day) = (year, month, day)
        (components.hour, components.minute, components.second) = (hour, minute, second)
        return utcCalendar.date(from: components)
    }

    /// `yyyyMMdd'T'HHmmss'Z'`, UTC (X-Amz-Date).
    public static func format(_ date: Date) -> String {
        let time = UTCTime(milliseconds: Int64((date.timeIntervalSince1970 * 1000).rounded(.down)))
        return UTCTime.padded(time.year, 4) + UTCTime.padded(time.month, 2) + UTCTime.padded(time.day, 2) + "T"
            + UTCTime.padded(time.hour, 2) + UTCTime.padded(time.minute, 2) + UTCTime.padded(time.second, 2) + "Z"
    }

    private static let utcCalendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()
}
