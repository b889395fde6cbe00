import CairnProtocol
import FuzzSupport

/// libFuzzer entry point for `CBOR.decode`, the reader of every Smithy RPC v2 CBOR request body.
/// A `DecodingError` is the expected answer to malformed input; a trap or a failed precondition is a finding.
/// What a decoded document must survive:
/// - CBOR encoding and decoding again, to the same bytes (compared as bytes so that NaN payloads count too);
/// - the trip through JSON that CBOR operations make to reach their handlers (`Operation.json`): the text
///   `Document.json` writes is JSON that `Document.fromJSON` reads back with the same meaning.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCBOR(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let document = try? CBOR.decode(bytes) else { return 0 }

    let encoded = CBOR.encode(document)
    guard let decoded = try? CBOR.decode(encoded) else { preconditionFailure("CBOR.encode wrote unreadable CBOR") }
    precondition(CBOR.encode(decoded) == encoded, "CBOR round trip changed the document")

    guard let json = try? Document.fromJSON(document.json) else {
        preconditionFailure("Document.json wrote JSON that Document.fromJSON refuses")
    }
    precondition(JSONMeaning(json) == JSONMeaning(document), "the JSON form of a CBOR document changed its meaning")
    return 0
}
