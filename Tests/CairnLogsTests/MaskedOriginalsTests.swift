import CairnBytes
import Testing

@testable import CairnLogs

/// The record of what masking replaced: put back into the stored (masked) messages, it gives the originals.
@Suite("Masked originals")
struct MaskedOriginalsTests {
    /// A batch's messages back to back, as PutLogEvents holds them, and where each ends.
    struct Batch {
        var messages: [UInt8] = []
        var ends: [Int] = []

        init(_ texts: [String]) {
            for text in texts {
                messages += Array(text.utf8)
                ends.append(messages.count)
            }
        }

        func range(_ index: Int) -> Range<Int> { (index == 0 ? 0 : ends[index - 1])..<ends[index] }
    }

    /// Masks `ranges` of each event (in the event's own offsets) as ingestion does, recording what they held.
    static func mask(_ batch: inout Batch, _ ranges: [Int: [Range<Int>]]) -> MaskedOriginals.Record {
        var record = MaskedOriginals.Record()
        for index in batch.ends.indices {
            guard let own = ranges[index] else { continue }
            let start = batch.range(index).lowerBound
            let absolute = own.map { ($0.lowerBound + start)..<($0.upperBound + start) }
            record.append(offset: index, ranges: absolute, of: batch.messages[batch.range(index)])
            for range in absolute { for at in range { batch.messages[at] = UInt8(ascii: "*") } }
        }
        return record
    }

    @Test func originalsComeBackFromTheMaskedMessages() {
        let texts = [
            "login from 10.0.0.1 by a@example.com", "nothing here", "card 4111 1111 1111 1111 exp 12/30",
            "10.1.2.3", "ünïcödé 192.168.0.1 ✓",
        ]
        var batch = Batch(texts)
        let ranges: [Int: [Range<Int>]] = [0: [11..<19, 23..<36], 2: [5..<24], 3: [0..<8], 4: [15..<26]]
        let record = Self.mask(&batch, ranges)
        #expect(record.offsets == [0, 2, 3, 4])
        #expect(
            String(decoding: batch.messages[batch.range(0)], as: UTF8.self) == "login from ******** by *************")
        let originals = MaskedOriginals.originals(in: record.bytes) { batch.messages[batch.range($0)] }
        #expect(originals.count == 4)
        for (index, original) in originals { #expect(String(decoding: original, as: UTF8.self) == texts[index]) }
        // Only the replaced bytes are kept, not whole messages: the format byte, an offset and a range count per
        // event, a gap and a length per range (one byte each here), and the 59 masked bytes.
        let maskedBytes = ranges.values.joined().reduce(0) { $0 + $1.count }
        #expect(maskedBytes == 59)
        #expect(record.bytes.count == 1 + 2 * ranges.count + 2 * ranges.values.joined().count + maskedBytes)
    }

    @Test func randomMasksRoundTrip() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let texts = (0..<Int.random(in: 1...20, using: &generator)).map { _ in
                String(
                    (0..<Int.random(in: 1...300, using: &generator)).map { _ in
                        Character(Unicode.Scalar(UInt8.random(in: 0x21...0x7E, using: &generator)))
                    })
            }
            var batch = Batch(texts)
            var ranges: [Int: [Range<Int>]] = [:]
            for (index, text) in texts.enumerated() where Bool.random(using: &generator) {
                var cuts = Set(
                    (0..<Int.random(in: 0...6, using: &generator)).map { _ in
                        Int.random(in: 0...text.utf8.count, using: &generator)
                    })
                cuts.insert(text.utf8.count)
                var previous = 0
                var own: [Range<Int>] = []
                for cut in cuts.sorted() where cut > previous {
                    if Bool.random(using: &generator) { own.append(previous..<cut) }
                    previous = cut + 1
                }
                ranges[index] = own
            }
            let record = Self.mask(&batch, ranges)
            let originals = MaskedOriginals.originals(in: record.bytes) { batch.messages[batch.range($0)] }
            #expect(originals.count == ranges.count)
            for (index, original) in originals { #expect(original == Array(texts[index].utf8)) }
        }
    }

    @Test func onlyTheEventsAskedForAreRebuilt() {
        var batch = Batch(["a 10.0.0.1", "b 10.0.0.2", "c 10.0.0.3"])
        let record = Self.mask(&batch, [0: [2..<10], 1: [2..<10], 2: [2..<10]])
        let originals = MaskedOriginals.originals(in: record.bytes) {
            $0 == 1 ? batch.messages[batch.range($0)] : nil
        }
        #expect(originals.keys.sorted() == [1])
        #expect(originals[1] == Array("b 10.0.0.2".utf8))
    }

    /// Records written before format 2 hold whole messages: count, then offset, length and message (u32, big
    /// endian).
    @Test func formatOneRecordsStillRead() {
        var record: [UInt8] = [0, 0, 0, 2]
        for (offset, message) in [(0, "first 10.0.0.1"), (3, "second a@example.com")] {
            record += [0, 0, 0, UInt8(offset), 0, 0, 0, UInt8(message.utf8.count)] + Array(message.utf8)
        }
        let originals = MaskedOriginals.originals(in: record) { _ in nil }
        #expect(originals[0] == Array("first 10.0.0.1".utf8))
        #expect(originals[3] == Array("second a@example.com".utf8))
    }

    /// A range past its message's end, or a record cut short, never traps: the events it cannot rebuild are left
    /// out.
    @Test func damagedRecordsLeaveEventsOut() {
        var batch = Batch(["a 10.0.0.1", "b 10.0.0.2"])
        let record = Self.mask(&batch, [0: [2..<10], 1: [2..<10]])
        let shorter = Batch(["a 10.0", "b 10.0.0.2"])
        let misfit = MaskedOriginals.originals(in: record.bytes) { index in
            index == 0 ? shorter.messages[shorter.range(0)] : batch.messages[batch.range(index)]
        }
        #expect(misfit.keys.sorted() == [1])
        for length in 0..<record.bytes.count {
            let cut = MaskedOriginals.originals(in: Array(record.bytes.prefix(length))) {
                batch.messages[batch.range($0)]
            }
            #expect(cut.count <= 1)
        }
        // A gap past the message's end, with its byte present, leaves the event out.
        let farGap: [UInt8] = [MaskedOriginals.format, 0, 1] + Array(repeating: 0xFF, count: 9) + [0x01, 1, 0x41]
        #expect(MaskedOriginals.originals(in: farGap) { _ in batch.messages[batch.range(0)] }.isEmpty)
        // An offset no batch can have ends the record.
        var farOffset: [UInt8] = [MaskedOriginals.format]
        for value: UInt64 in [UInt64(Int.max), 1, 0, 1] { Varint.append(value, to: &farOffset) }
        farOffset.append(0x41)
        #expect(MaskedOriginals.originals(in: farOffset) { _ in batch.messages[batch.range(0)] }.isEmpty)
        var formatOne: [UInt8] = [0, 0, 0, 1, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 1, 0x41]
        #expect(MaskedOriginals.originals(in: formatOne) { _ in nil }.isEmpty)
        formatOne[4...7] = [0, 0, 0, 0]
        #expect(MaskedOriginals.originals(in: formatOne) { _ in nil } == [0: [0x41]])
    }
}
