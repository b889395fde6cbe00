import CairnChunks

/// libFuzzer entry point for the chunk payload format (what `EventChunk.decode` reads after AES-GCM and zstd).
/// The first byte chooses the check:
/// - even: the rest is a decrypted payload, decoded under a fixed header with the second byte as the row's
///   event count; a `Corrupt` error is the expected answer to most inputs, a trap is a finding;
/// - odd: the rest describes events, which both encoders must round-trip through the decoder exactly.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzChunk(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var input = FuzzInput(UnsafeBufferPointer(start: data, count: size))
    guard let mode = input.byte() else { return 0 }
    if mode & 1 == 0 {
        decodeArbitraryPayload(&input)
    } else {
        roundTrip(&input)
    }
    return 0
}

private func decodeArbitraryPayload(_ input: inout FuzzInput) {
    let expectedCount = Int(input.byte() ?? 0)
    let plain = input.rest()
    let header = EventChunk.Header(minTimestamp: 1_700_000_000_000, firstSequence: 1, ingestionTime: 1_700_000_000_500)
    guard let events = try? EventChunk.decode(plain, header: header, streamID: 7, expectedCount: expectedCount) else {
        return
    }
    precondition(events.count == expectedCount)
    // The messages are the tail of the payload, back to back (format 2), each followed by its transformed version
    // (format 4), or followed by the transformed versions, back to back (format 3).
    let total = events.reduce(0) { $0 + $1.message.count }
    let transformedTotal = events.reduce(0) { $0 + ($1.transformed?.count ?? 0) }
    precondition(events.allSatisfy { $0.streamID == 7 } && total + transformedTotal <= plain.count)
    if plain.first == EventChunk.format {
        precondition(transformedTotal == 0 && events.flatMap(\.message).elementsEqual(plain.suffix(total)))
    } else if plain.first == EventChunk.transformedFormat {
        let interleaved = events.flatMap { Array($0.message) + Array($0.transformed ?? []) }
        precondition(interleaved.elementsEqual(plain.suffix(total + transformedTotal)))
    } else {
        precondition(events.flatMap { $0.transformed ?? [] }.elementsEqual(plain.suffix(transformedTotal)))
    }
    var kept: [LogEvent] = []
    try? EventChunk.decode(
        plain, header: header, streamID: 7, expectedCount: expectedCount, where: { $0.count % 2 == 0 },
        visit: { kept.append($0) })
    precondition(kept.map(\.key) == events.filter { $0.message.count % 2 == 0 }.map(\.key))
}

private func roundTrip(_ input: inout FuzzInput) {
    let header = EventChunk.Header(
        minTimestamp: input.int64(), firstSequence: input.int64(), ingestionTime: input.int64())
    var events: [LogEvent] = []
    while !input.isEmpty, events.count < 64 {
        let message = input.bytes(Int(input.byte() ?? 0))
        // An odd length byte brings a transformed version (possibly empty), failed when it is 4k+3.
        let transformedLength = Int(input.byte() ?? 0)
        let transformed = transformedLength & 1 == 1 ? input.bytes(transformedLength / 4)[...] : nil
        events.append(
            LogEvent(
                timestamp: input.int64(), streamID: 3, sequence: input.int64(), ingestionTime: input.int64(),
                message: message[...], transformed: transformed, transformationFailed: transformedLength & 3 == 3))
    }
    let hasTransformed = events.contains { $0.transformed != nil }

    // A compaction's merge: every event keeps its own sequence and ingestion time.
    let merged = EventChunk.encode(events, header: header)
    let decoded = try! EventChunk.decode(merged, header: header, streamID: 3, expectedCount: events.count)
    precondition(decoded.count == events.count)
    for (event, copy) in zip(events, decoded) {
        precondition(event.key == copy.key && event.ingestionTime == copy.ingestionTime)
        precondition(event.message.elementsEqual(copy.message))
        precondition(event.transformed.map(Array.init) == copy.transformed.map(Array.init))
        precondition(event.transformationFailed == copy.transformationFailed)
    }

    // A PutLogEvents batch: consecutive sequences from the header's, one ingestion time.
    var messages: [UInt8] = []
    var ends: [Int] = []
    for event in events {
        messages += event.message
        ends.append(messages.count)
    }
    let timestamps = events.map(\.timestamp)
    let transformed =
        hasTransformed
        ? events.map { event in
            event.transformed.map { EventChunk.Transformed(bytes: Array($0), failed: event.transformationFailed) }
        } : nil
    let batch = EventChunk.encode(
        timestamps: timestamps[...], messages: messages, messageEnds: ends, header: header, transformed: transformed)
    let read = try! EventChunk.decode(batch, header: header, streamID: 3, expectedCount: events.count)
    precondition(read.map(\.timestamp) == timestamps)
    for (offset, event) in read.enumerated() {
        precondition(event.sequence == header.firstSequence &+ Int64(offset))
        precondition(event.ingestionTime == header.ingestionTime)
        precondition(event.message.elementsEqual(events[offset].message))
        precondition(event.transformed.map(Array.init) == events[offset].transformed.map(Array.init))
        precondition(event.transformationFailed == events[offset].transformationFailed)
    }
}

/// Takes typed values off the front of the fuzzer's bytes; missing bytes read as zero.
struct FuzzInput {
    private var bytes: ArraySlice<UInt8>

    init(_ buffer: UnsafeBufferPointer<UInt8>) { bytes = Array(buffer)[...] }

    var isEmpty: Bool { bytes.isEmpty }

    mutating func byte() -> UInt8? { bytes.popFirst() }

    mutating func bytes(_ count: Int) -> [UInt8] {
        let taken = Array(bytes.prefix(count))
        bytes = bytes.dropFirst(count)
        return taken
    }

    mutating func int64() -> Int64 {
        bytes(8).reduce(0) { $0 << 8 | Int64($1) }
    }

    mutating func rest() -> [UInt8] { bytes(bytes.count) }
}
