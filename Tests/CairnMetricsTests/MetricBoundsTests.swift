import CairnProtocol
import Testing

@testable import CairnMetrics

/// Client numbers beyond what the arithmetic can hold are CloudWatch's `InvalidParameterValueException`,
/// never a trapped conversion or overflow that kills the process.
@Suite struct MetricBoundsTests {
    static func request(_ members: [String: Document]) -> MetricRequest { MetricRequest(.map(members)) }

    @Test func timestampsBeyondTheCalendarAreInvalid() throws {
        for (start, end, member, shown) in [
            (1e300, 2e300, "StartTime", "1e+300"), (-1e300, 0, "StartTime", "-1e+300"), (0, 1e19, "EndTime", "1e+19"),
            (9.3e18, 9.4e18, "StartTime", "9.3e+18"), (0, 253_402_300_800, "EndTime", "253402300800.0"),
        ] {
            #expect(throws: AWSError.invalidValue(shown, member)) {
                try MetricsService.timeRange(
                    Self.request(["StartTime": .timestamp(start), "EndTime": .timestamp(end)]))
            }
        }
        let range = try MetricsService.timeRange(
            Self.request(["StartTime": .timestamp(-62_135_596_799.5), "EndTime": .timestamp(253_402_300_798.5)]))
        #expect(range == (-62_135_596_800, 253_402_300_799))
    }

    @Test func periodsBeyond32BitsAreInvalid() throws {
        for period in [Int64.max, Int64.max - 59, Int64(Int32.max) + 1, Int64.min] {
            #expect(throws: AWSError.invalidValue("\(period)", "Period")) {
                try MetricsService.period(Self.request(["Period": .integer(period)]), "Period")
            }
        }
        #expect(throws: AWSError.serialization("Period must be an integer.")) {
            try MetricsService.period(Self.request(["Period": .double(9.3e18)]), "Period")
        }
        #expect(try MetricsService.period(Self.request(["Period": .integer(86_400)]), "Period") == 86_400)
    }

    @Test func datapointCountsNeverOverflow() {
        #expect(MetricsService.datapointCount(start: 0, end: 3600, period: 60) == 60)
        #expect(MetricsService.datapointCount(start: 0, end: 3601, period: 60) == 61)
        #expect(MetricsService.datapointCount(start: 0, end: 100, period: .max) == 1)
        #expect(MetricsService.datapointCount(start: .min, end: .max, period: 60) == .max)
        #expect(MetricsService.datapointCount(start: -62_135_596_800, end: 253_402_300_800, period: 1) > 1440)
    }

    /// A `Counts` entry of 1e19 is a valid count; converting it to an Int for the kept samples trapped.
    @Test func hugeCountsKeepTheirWeightAndBoundedSamples() {
        var point = MetricPoint(
            metric: MetricIdentity(namespace: "N", name: "M", dimensions: []), periodStart: 0, resolution: 60,
            unit: "Count")
        point.add(2, count: 1e19)
        point.add(3, count: .greatestFiniteMagnitude)
        point.add(4, count: 0.5)
        #expect(point.sampleCount == 1e19 + .greatestFiniteMagnitude + 0.5)
        #expect(point.samples.count == MetricsLimits.samplesPerPoint)
        #expect(point.samples.allSatisfy { $0 == 2 })
        #expect(point.minimum == 2 && point.maximum == 4)
    }
}
