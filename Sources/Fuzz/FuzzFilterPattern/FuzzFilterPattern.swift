import CairnFilter

/// libFuzzer entry point for filter patterns (FilterLogEvents, metric and subscription filters). The input up to
/// its first NUL byte is the pattern; what follows, if anything, is one more event to match it against, besides
/// a few fixed events of each kind (JSON, space-delimited, plain text). A `FilterPatternError` is the expected
/// answer to a malformed pattern; a trap, a failed precondition or a hang (libFuzzer's `-timeout`) is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFilterPattern(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    let split = bytes.firstIndex(of: 0) ?? size
    let text = String(decoding: bytes[..<split], as: UTF8.self)
    var events = sampleEvents
    if split < size { events.append(Array(bytes[(split + 1)...])) }

    // Metric values and dimensions (`$.path`, `$field`) are parsed by the same code.
    let selector = FieldSelector(text)

    guard let pattern = try? FilterPattern(text) else { return 0 }
    precondition(pattern.text == text)
    let selectors = [selector].compactMap { $0 } + pattern.fieldNames.compactMap { FieldSelector("$" + $0) }
    for event in events {
        let message = event[...]
        let match = pattern.match(message)
        precondition(pattern.matches(message) == (match != nil), "matches and match disagree")
        guard let match else { continue }
        precondition(match.message.elementsEqual(message))
        _ = match.fields
        for selector in selectors {
            _ = match.value(of: selector)
            _ = match.number(of: selector)
        }
    }
    return 0
}

private let sampleEvents: [[UInt8]] = [
    #"{"a": 1, "b": [2, "x", {"c": true}], "d": {"e": null, "f": "g\u00e9\"h"}, "latency": 12.5}"#,
    #"127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326"#,
    "ERROR 2024-01-01 something failed: code=500 user=alice",
    "",
    #"[1, "two", {"three": 3}]"#,
].map { Array($0.utf8) }
