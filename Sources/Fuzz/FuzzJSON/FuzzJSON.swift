import CairnProtocol
import Foundation
import FuzzSupport

/// libFuzzer entry point for JSON request bodies. Every input goes through
/// - `JSONScanner.skipValue`, the validator behind PutLogEvents' unknown members;
/// - a typed walk with the scanner's readers (`readObject`, `readArray`, `readString(into:)`, `readInt64`,
///   `readNullIfPresent`), the calls PutLogEvents makes;
/// - `Document.fromJSON` (JSON 1.0 and CBOR operations) and `JSONRequest.decode` (JSON 1.1 operations), with
///   Foundation's JSONSerialization as an independent judge of what is JSON.
/// Thrown `AWSError`s are the expected answer to malformed input; a trap or a failed precondition is a finding.
/// The preconditions state what must agree: the scanner's strings are valid UTF-8, its integers are what the
/// standard library reads from the same digits, a body Cairn accepts Foundation accepts with the same values, and
/// a decoded document survives the trip out to JSON or CBOR and back.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSON(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))

    var skipper = JSONScanner(bytes)
    let skipped = (try? skipper.skipValue()) != nil

    var walker = JSONScanner(bytes)
    var walk = ScannerWalk(bytes: bytes)
    var walked: Document?
    if walker.atEnd {
        walked = .map([:])
    } else if let value = try? walk.value(&walker) {
        precondition(walker.depth == 0)
        // The walk reads integers only; anything it accepts `skipValue` accepts, ending at the same byte.
        precondition(skipped && skipper.index == walker.index)
        if walker.atEnd { walked = value }
    }

    let document = try? Document.fromJSON(bytes)
    if let walked {
        guard let document else { preconditionFailure("Document.fromJSON refuses what the scanner's readers accept") }
        if !walk.sawDuplicateKey { precondition(JSONMeaning(walked) == JSONMeaning(document)) }
    }
    if let document {
        // Foundation, an independent parser, must read the same text, to the same structure, strings and literals.
        // Its numbers are only close: it accumulates decimal digits in doubles, so a long number can be many ulps
        // off (a 129-digit integer by six), where `Document.fromJSON` reads the nearest double.
        if !bytes.allSatisfy(isJSONSpace) {
            guard let object = try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed]) else {
                preconditionFailure("Document.fromJSON accepts what JSONSerialization refuses")
            }
            precondition(JSONMeaning(foundation: object).nearlyEquals(JSONMeaning(document)))
        }
        // Responses are written with `json` (JSON 1.0) or CBOR from the same document.
        let reread = try! Document.fromJSON(document.json)
        precondition(JSONMeaning(reread) == JSONMeaning(document))
        precondition(try! CBOR.decode(CBOR.encode(document)) == document)
    }

    if let request = try? JSONRequest.decode(SampleRequest.self, from: bytes) {
        precondition(try! JSONRequest.decode(SampleRequest.self, from: JSONRequest.encode(request)) == request)
    }
    return 0
}

/// Reads a value with the scanner's typed readers, the way PutLogEvents reads its body.
struct ScannerWalk {
    let bytes: [UInt8]
    var sawDuplicateKey = false

    mutating func value(_ scanner: inout JSONScanner) throws(AWSError) -> Document {
        if try scanner.readNullIfPresent() { return .null }
        switch try scanner.peekKind() {
        case .object:
            var members: [String: Document] = [:]
            try scanner.readObject { scanner, key throws(AWSError) in
                let member = try value(&scanner)
                if members.updateValue(member, forKey: key) != nil { sawDuplicateKey = true }
            }
            return .map(members)
        case .array:
            var items: [Document] = []
            try scanner.readArray { scanner throws(AWSError) in items.append(try value(&scanner)) }
            return .list(items)
        case .string:
            var text: [UInt8] = []
            try scanner.readString(into: &text)
            guard let string = String(validating: text, as: UTF8.self) else {
                preconditionFailure("readString(into:) produced invalid UTF-8")
            }
            return .string(string)
        case .number:
            scanner.skipWhitespace()
            let start = scanner.index
            let number = try scanner.readInt64()
            let digits = String(decoding: bytes[start..<scanner.index], as: UTF8.self)
            precondition(Int64(digits) == number, "readInt64 disagrees with Int64(String)")
            return .integer(number)
        case .bool, .null:
            let start = scanner.index
            try scanner.skipValue()
            let literal = String(decoding: bytes[start..<scanner.index], as: UTF8.self)
            switch literal {
            case "true": return .boolean(true)
            case "false": return .boolean(false)
            default: preconditionFailure("skipValue accepted the literal \(literal)")
            }
        }
    }
}

private func isJSONSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 }

extension JSONMeaning {
    /// What JSONSerialization read.
    init(foundation object: Any) {
        switch object {
        case let dictionary as [String: Any]: self = .map(dictionary.mapValues(JSONMeaning.init(foundation:)))
        case let array as [Any]: self = .list(array.map(JSONMeaning.init(foundation:)))
        case let text as String: self = .string(text)
        case let number as NSNumber:
            switch String(cString: number.objCType) {
            case "c", "B": self = .boolean(number.boolValue)
            default: self = .number(number.doubleValue)
            }
        default: self = .null
        }
    }

    /// Equal, but for numbers within a billionth of each other (or both below the normal range, where Foundation's
    /// accumulated error can be all the digits there are).
    func nearlyEquals(_ other: JSONMeaning) -> Bool {
        switch (self, other) {
        case (.number(let a), .number(let b)):
            a == b || abs(a - b) <= 1e-9 * max(abs(a), abs(b)) || abs(a - b) <= Double.leastNormalMagnitude
        case (.list(let a), .list(let b)): a.count == b.count && zip(a, b).allSatisfy { $0.nearlyEquals($1) }
        case (.map(let a), .map(let b)):
            a.count == b.count && a.allSatisfy { key, value in b[key].map(value.nearlyEquals) ?? false }
        default: self == other
        }
    }
}

/// A JSON 1.1 request shape with every kind of member the Logs and KMS requests use.
struct SampleRequest: Codable, Equatable {
    struct Event: Codable, Equatable {
        var timestamp: Int64?
        var message: String?
    }

    var logGroupName: String?
    var limit: Int?
    var startTime: Int64?
    var interleaved: Bool?
    var logStreamNames: [String]?
    var tags: [String: String]?
    var logEvents: [Event]?
}
