import Testing

@testable import CairnLogs

/// How a delivery stream's buffer is cut into flushes, and the names Firehose gives its objects.
@Suite struct DeliveryStreamFlushTests {
    let plan = DeliveryStreamFlusher.FlushPlan(
        account: "111122223333", region: "us-east-1", stream: "s", bufferBytes: 100, bufferMilliseconds: 60_000,
        queuedThrough: 4)

    func ranges(_ jobs: [DeliveryStreamFlusher.FlushJob]) -> [ClosedRange<Int64>] {
        jobs.map { ($0.after + 1)...$0.through }
    }

    @Test func fullBuffersGoAtOnceAndTheRestWaitsForTheInterval() {
        let records: [(id: Int64, bytes: Int, createdAt: Int64)] = [
            (5, 40, 1000), (6, 40, 1000), (7, 40, 1001), (8, 70, 1002), (9, 30, 1003), (10, 10, 1004),
        ]
        // 40+40 fit, +40 would not: records 5–6; then 40+70 would not fit: 7 alone; 70+30 = 100: 8–9; 10 waits.
        #expect(ranges(plan.jobs(records, now: 2000)) == [5...6, 7...7, 8...9])
        #expect(ranges(plan.jobs(records, now: 1004 + 60_000)) == [5...6, 7...7, 8...9, 10...10])
    }

    @Test func aRecordLargerThanTheBufferGoesAlone() {
        #expect(ranges(plan.jobs([(5, 10, 0), (6, 500, 0), (7, 10, 0)], now: 1)) == [5...5, 6...6])
        #expect(plan.jobs([(5, 99, 0)], now: 59_999).isEmpty)
        #expect(ranges(plan.jobs([(5, 99, 0)], now: 60_000)) == [5...5])
    }

    @Test func aFlushCarriesAtMostTenThousandRecords() {
        let records = (1...25_000).map { (id: Int64($0), bytes: 1, createdAt: Int64(0)) }
        let plan = DeliveryStreamFlusher.FlushPlan(
            account: "111122223333", region: "us-east-1", stream: "s", bufferBytes: 1 << 20, bufferMilliseconds: 0,
            queuedThrough: 0)
        #expect(ranges(plan.jobs(records, now: 0)) == [1...10_000, 10_001...20_000, 20_001...25_000])
    }

    /// An HTTP stream's buffer counts records as the request carries them: base64 in a JSON object.
    @Test func httpRecordsAreMeasuredBase64Encoded() {
        #expect(DeliveryStreamFlusher.FlushPlan.encodedSize(3) == 16)
        #expect(DeliveryStreamFlusher.FlushPlan.encodedSize(4) == 20)
        #expect(DeliveryStreamFlusher.FlushPlan.encodedSize(75) == 112)
    }

    @Test func objectsAreNamedAsFirehoseNamesThem() {
        let key = DeliveryStreamFlusher.objectKey("archive", arrival: 1_796_382_671_123, id: "abc")
        #expect(key == "2026/12/04/11/archive-1-2026-12-04-11-11-11-abc")
    }
}
