import CairnProtocol
import Foundation
import Testing

@testable import CairnMetrics

/// Statistics as CloudWatch names and computes them, and GetMetricData's page positions.
@Suite struct StatisticTests {
    static func bucket(_ samples: [Double]) -> MetricBucket {
        MetricBucket(
            start: 0, sampleCount: Double(samples.count), sum: samples.reduce(0, +), minimum: samples.min() ?? 0,
            maximum: samples.max() ?? 0, unit: "None", samples: samples)
    }

    @Test func namesAndPercentiles() {
        #expect(Statistic("Average") == .average)
        #expect(Statistic("p99") == .percentile(99))
        #expect(Statistic("p99.9") == .percentile(99.9))
        #expect(Statistic("p100") == .percentile(100))
        for refused in ["average", "p101", "p-1", "p99.999", "p", "px", "p9e1", "tm99", ""] {
            #expect(Statistic(refused) == nil, "\(refused)")
        }
    }

    @Test func valuesOfABucket() {
        let bucket = Self.bucket((1...100).map(Double.init))
        #expect(bucket.value(of: .sum) == 5050)
        #expect(bucket.value(of: .average) == 50.5)
        #expect(bucket.value(of: .minimum) == 1 && bucket.value(of: .maximum) == 100)
        #expect(bucket.value(of: .sampleCount) == 100)
        // Nearest rank: the smallest value with at least rank% of the samples at or below it.
        #expect(bucket.value(of: .percentile(50)) == 50)
        #expect(bucket.value(of: .percentile(99)) == 99)
        #expect(bucket.value(of: .percentile(99.5)) == 100)
        #expect(bucket.value(of: .percentile(0)) == 1)
        #expect(Self.bucket([]).value(of: .percentile(50)) == nil)
        #expect(Self.bucket([]).value(of: .average) == nil)
    }

    @Test func dataPositionsRoundTripAndRefuseForgeries() throws {
        let position = MetricsService.DataPosition(query: 3, skip: 250)
        let read = try MetricsService.DataPosition(token: position.token)
        #expect(read.query == 3 && read.skip == 250)
        let start = try MetricsService.DataPosition(token: nil)
        #expect(start.query == 0 && start.skip == 0)
        let forged = [
            "not base64!", Data("data:1".utf8).base64EncodedString(), Data("data:-1:0".utf8).base64EncodedString(),
            Data("list:1:2".utf8).base64EncodedString(), Data("data:1:99999999999999999999".utf8).base64EncodedString(),
        ]
        for token in forged {
            #expect(throws: AWSError("InvalidNextToken", "The service couldn't process the provided NextToken.")) {
                try MetricsService.DataPosition(token: token)
            }
        }
    }
}
