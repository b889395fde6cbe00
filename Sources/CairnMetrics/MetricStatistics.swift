/// One period of a metric as read back: the merged points of that period.
struct MetricBucket: Sendable {
    let start: Int64
    var sampleCount: Double
    var sum: Double
    var minimum: Double
    var maximum: Double
    var unit: String
    var samples: [Double] = []

    /// A statistic by its CloudWatch name: `Sum`, `Average`, `Minimum`, `Maximum`, `SampleCount`, `pNN(.NN)`.
    func value(of statistic: Statistic) -> Double? {
        switch statistic {
        case .sum: return sum
        case .average: return sampleCount > 0 ? sum / sampleCount : nil
        case .minimum: return minimum
        case .maximum: return maximum
        case .sampleCount: return sampleCount
        case .percentile(let rank):
            guard !samples.isEmpty else { return nil }
            let sorted = samples.sorted()
            // Nearest rank: the smallest value with at least rank% of the samples at or below it.
            let position = Int((rank / 100 * Double(sorted.count)).rounded(.up)) - 1
            return sorted[min(max(position, 0), sorted.count - 1)]
        }
    }
}

enum Statistic: Sendable, Hashable {
    case sum, average, minimum, maximum, sampleCount
    case percentile(Double)

    static let names: [String: Statistic] = [
        "Sum": .sum, "Average": .average, "Minimum": .minimum, "Maximum": .maximum, "SampleCount": .sampleCount,
    ]

    /// `Sum` … or `p99`, `p99.9`, `p50.25`, `p100`.
    init?(_ text: String) {
        if let named = Self.names[text] {
            self = named
            return
        }
        guard text.hasPrefix("p"), let rank = Double(text.dropFirst()), rank >= 0, rank <= 100,
            text.dropFirst().allSatisfy({ $0.isNumber || $0 == "." }),
            text.split(separator: ".").last.map({ !text.contains(".") || $0.count <= 2 }) ?? false
        else { return nil }
        self = .percentile(rank)
    }

    var isPercentile: Bool { if case .percentile = self { true } else { false } }
}
