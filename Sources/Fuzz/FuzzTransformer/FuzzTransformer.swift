import CairnTransform
import Foundation

/// libFuzzer entry point for transformers (PutTransformer, TestTransformer and every ingested event of a group
/// with one). The input describes a configuration of one to five processors, each chosen by a byte from every
/// processor type AWS has, with members drawn from a vocabulary of keys and grok, date and delimiter pieces or
/// taken as free text; what is left, split at NUL bytes, is up to four messages. A configuration error is the
/// expected answer to most inputs; a trap, a failed precondition or a hang (libFuzzer's `-timeout`) is a finding.
///
/// For a valid configuration the checks are:
/// - its stored form (what GetTransformer returns and each process compiles) is valid and stores the same again;
/// - every outcome is one JSON object of at most 1 MB; a failed one holds only `@transformationError`;
/// - an event transformed into a batch's buffer is what it is transformed into alone.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTransformer(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var input = ProcessorInput(UnsafeBufferPointer(start: data, count: size))
    var processors: [[String: Any]] = []
    for _ in 0..<(1 + Int(input.byte() % 5)) { processors.append(input.processor()) }
    let messages = input.rest().split(separator: 0, omittingEmptySubsequences: false).prefix(4)
        .map { String(decoding: $0, as: UTF8.self) }

    guard let json = try? JSONSerialization.data(withJSONObject: processors),
        let decoded = try? JSONDecoder().decode([Processor].self, from: json),
        let configuration = try? TransformerConfiguration(decoded)
    else { return 0 }
    let stored = configuration.storedJSON()
    let reread = try! JSONDecoder().decode([Processor].self, from: Data(stored))
    // The stored form spells out defaults (`overwriteIfExists: false`), so it is compared as stored again.
    precondition(try! TransformerConfiguration(reread).storedJSON() == stored, "the stored form reads back differently")
    guard let transformer = try? Transformer(configuration) else { return 0 }

    let context = TransformContext(
        logGroupName: "/fuzz/group", logStreamName: "stream", accountID: "123456789012", region: "us-east-1")
    var batch: [UInt8] = Array("prefix".utf8)
    for message in messages {
        let alone = transformer.transform(message, context: context)
        precondition(alone.bytes.count <= 1 << 20 || alone.failed, "a transformed event over 1 MB")
        let object = try! JSONSerialization.jsonObject(with: Data(alone.bytes), options: [.fragmentsAllowed])
        guard let fields = object as? [String: Any] else { preconditionFailure("the outcome is not a JSON object") }
        if alone.failed {
            precondition(Array(fields.keys) == ["@transformationError"], "a failure holds other fields")
        }
        let start = batch.count
        let failed = transformer.transform(message, context: context, budget: TransformBudget(), appendingTo: &batch)
        precondition(failed == alone.failed && batch[start...].elementsEqual(alone.bytes), "batch and alone differ")
    }
    return 0
}

/// Takes processors off the front of the fuzzer's bytes; missing bytes read as zero.
struct ProcessorInput {
    private var bytes: ArraySlice<UInt8>

    init(_ buffer: UnsafeBufferPointer<UInt8>) { bytes = Array(buffer)[...] }

    mutating func byte() -> UInt8 { bytes.popFirst() ?? 0 }

    mutating func rest() -> ArraySlice<UInt8> {
        defer { bytes = [] }
        return bytes
    }

    /// Free text: a length byte (at most 63) and that many bytes.
    mutating func text() -> String {
        let count = Int(byte() & 63)
        let taken = bytes.prefix(count)
        bytes = bytes.dropFirst(count)
        return String(decoding: taken, as: UTF8.self)
    }

    /// A word of `vocabulary` most of the time, free text when the byte says so.
    mutating func pick(_ vocabulary: [String]) -> String {
        let choice = Int(byte())
        return choice < 224 ? vocabulary[choice % vocabulary.count] : text()
    }

    mutating func key() -> String { pick(Self.keys) }
    mutating func flag() -> Bool { byte() & 1 == 1 }
    mutating func keys() -> [String] { (0...(Int(byte() % 3))).map { _ in key() } }

    /// A grok `match` of one to four pieces.
    mutating func grok() -> String { (0...(Int(byte() % 4))).map { _ in pick(Self.grokPieces) }.joined() }

    static let keys = [
        "@message", "a", "b", "a.b", "a.b.c", "first", "rest", "level", "ts", "n", "list", "x.y", "", "@timestamp",
        "A", "a..b", ".a", "user.name",
    ]
    static let grokPieces = [
        "%{NOTSPACE:first}", " ", "%{GREEDYDATA:rest}", "%{DATA:a}", "%{INT:n}", "%{IP:ip}", "%{WORD:w}", "x",
        "%{TIMESTAMP_ISO8601:ts}", "%{APACHE_ACCESS_LOG}", "%{SYSLOG5424}", "%{NUMBER:n:float}", "%{POSINT:p:int}",
        "%{URI:u}", "%{HOSTPORT:h}", "%{LOGLEVEL:level}", "%{QUOTEDSTRING:q}", "%{SPACE}", "%{DATA:a.b}", "\\[",
        "%{HTTPDATE:d}", "%{EMAILADDRESS:e}", "%{UUID:id}", "%{NGINX_ACCESS_LOG}", ":", "%{GREEDYDATA_MULTILINE:m}",
    ]
    static let datePatterns = [
        "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX", "dd/MMM/yyyy:HH:mm:ss Z", "MMM d HH:mm:ss",
        "epoch", "yyyy", "EEE, dd MMM yyyy HH:mm:ss z", "HH:mm", "'T'",
    ]
    static let delimiters = [",", " ", "\t", ";", "=", "&", "|", "::", "", "\\t"]
    static let timezones = ["UTC", "America/New_York", "Europe/Berlin", "+05:30", "Invalid/Zone", ""]
    static let types = ["boolean", "integer", "double", "string"]

    /// One processor of every type AWS has, its members drawn from the input.
    mutating func processor() -> [String: Any] {
        switch byte() % 24 {
        case 0: return ["parseJSON": optional(["source": key(), "destination": key()])]
        case 1: return ["grok": optional(["source": key()]).merging(["match": grok()]) { $1 }]
        case 2:
            return [
                "csv": optional([
                    "quoteCharacter": pick(["\"", "'", "", "ab"]), "delimiter": pick(Self.delimiters),
                    "source": key(), "destination": key(),
                ]).merging(flag() ? ["columns": keys()] : [:]) { $1 }
            ]
        case 3:
            return [
                "parseKeyValue": optional([
                    "source": key(), "destination": key(), "fieldDelimiter": pick(Self.delimiters),
                    "keyValueDelimiter": pick(Self.delimiters), "keyPrefix": key(), "nonMatchValue": key(),
                ]).merging(flag() ? ["overwriteIfExists": flag()] : [:]) { $1 }
            ]
        case 4: return ["addKeys": ["entries": entries { ["key": $0.key(), "value": $0.pick(Self.keys)] }]]
        case 5: return ["deleteKeys": ["withKeys": keys()]]
        case 6: return ["renameKeys": ["entries": entries { ["key": $0.key(), "renameTo": $0.key()] }]]
        case 7: return ["copyValue": ["entries": entries { ["source": $0.key(), "target": $0.key()] }]]
        case 8: return ["moveKeys": ["entries": entries { ["source": $0.key(), "target": $0.key()] }]]
        case 9:
            return [
                "listToMap": optional(["valueKey": key(), "target": key()]).merging(
                    ["source": key(), "key": key(), "flatten": flag(), "flattenedElement": pick(["first", "last"])]
                ) { $1 }
            ]
        case 10: return ["lowerCaseString": ["withKeys": keys()]]
        case 11: return ["upperCaseString": ["withKeys": keys()]]
        case 12: return ["trimString": ["withKeys": keys()]]
        case 13:
            return [
                "splitString": ["entries": entries { ["source": $0.key(), "delimiter": $0.pick(Self.delimiters)] }]
            ]
        case 14:
            return [
                "substituteString": [
                    "entries": entries {
                        [
                            "source": $0.key(), "from": $0.pick(["a", "\\d+", "[a-z]+", "(x)", "\\s", ".*", "$"]),
                            "to": $0.key(),
                        ]
                    }
                ]
            ]
        case 15: return ["typeConverter": ["entries": entries { ["key": $0.key(), "type": $0.pick(Self.types)] }]]
        case 16:
            return [
                "dateTimeConverter": optional([
                    "targetFormat": pick(Self.datePatterns), "sourceTimezone": pick(Self.timezones),
                    "targetTimezone": pick(Self.timezones),
                    "locale": pick(["en", "de", "fr_FR", "xx", "", "é", "日本", "de-DE@calendar=gregorian"]),
                ]).merging([
                    "source": key(), "target": key(),
                    "matchPatterns": (0...(Int(byte() % 2))).map { _ in pick(Self.datePatterns) },
                ]) { $1 }
            ]
        case 17: return ["parseCloudfront": optional(["source": key()])]
        case 18: return ["parseVPC": optional(["source": key()])]
        case 19: return ["parseRoute53": optional(["source": key()])]
        case 20: return ["parsePostgres": optional(["source": key()])]
        case 21: return ["parseWAF": optional(["source": key()])]
        case 22:
            return [
                "parseToOCSF": [
                    "eventSource": pick(["CloudTrail", "Route53Resolver", "VPCFlow", "EKSAudit", "AWSWAF"]),
                    "ocsfVersion": pick(["V1.1", "V1.5"]),
                ]
            ]
        default:
            // Two processor types in one object: AWS refuses it.
            return ["deleteKeys": ["withKeys": keys()], "trimString": ["withKeys": keys()]]
        }
    }

    /// One to three entries made by `entry`, each possibly with `overwriteIfExists`.
    private mutating func entries(_ entry: (inout ProcessorInput) -> [String: Any]) -> [[String: Any]] {
        (0...(Int(byte() % 3))).map { _ in
            var made = entry(&self)
            if flag() { made["overwriteIfExists"] = flag() }
            return made
        }
    }

    /// Each member kept or left out by a bit of one byte.
    private mutating func optional(_ members: [String: String]) -> [String: Any] {
        let mask = byte()
        var kept: [String: Any] = [:]
        for (bit, name) in members.keys.sorted().enumerated() where mask & (1 << UInt8(bit % 8)) != 0 {
            kept[name] = members[name]
        }
        return kept
    }
}
