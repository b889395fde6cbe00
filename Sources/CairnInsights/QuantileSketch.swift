import Foundation

/// The values `pct` needs, in bounded memory: kept exactly while few, then counted in logarithmic buckets whose
/// width is 2 % of their value (a DDSketch), so a percentile is within 1 % of the true one however many events a
/// group has. Sketches merge, as the other aggregation states do.
struct QuantileSketch: Codable {
    /// Values kept exactly, until there are more than `exactLimit`; nil once bucketed.
    private var exact: [Double]? = []
    private var positive: [Int: Int] = [:]
    private var negative: [Int: Int] = [:]
    private var zeros = 0
    private(set) var count = 0

    static let exactLimit = 1024
    static let relativeAccuracy = 0.01
    static let gamma = (1 + relativeAccuracy) / (1 - relativeAccuracy)
    static let logGamma = Foundation.log(gamma)

    mutating func add(_ value: Double) {
        count += 1
        if exact != nil {
            exact?.append(value)
            if exact!.count > Self.exactLimit { bucketExactValues() }
            return
        }
        bucket(value, times: 1)
    }

    mutating func merge(_ other: QuantileSketch) {
        if let mine = exact, let theirs = other.exact, mine.count + theirs.count <= Self.exactLimit {
            exact = mine + theirs
            count += other.count
            return
        }
        bucketExactValues()
        for value in other.exact ?? [] { bucket(value, times: 1) }
        for (index, times) in other.positive { positive[index, default: 0] += times }
        for (index, times) in other.negative { negative[index, default: 0] += times }
        zeros += other.zeros
        count += other.count
    }

    /// The nearest-rank percentile `p` (0–100): the smallest value with at least p % of the values at or below it.
    func percentile(_ p: Double) -> Double? {
        guard count > 0 else { return nil }
        let rank = max(1, min(count, Int((p / 100 * Double(count)).rounded(.up))))
        if let exact { return exact.sorted()[rank - 1] }
        var seen = 0
        for index in negative.keys.sorted(by: >) {
            seen += negative[index] ?? 0
            if seen >= rank { return -Self.value(ofBucket: index) }
        }
        seen += zeros
        if seen >= rank { return 0 }
        for index in positive.keys.sorted() {
            seen += positive[index] ?? 0
            if seen >= rank { return Self.value(ofBucket: index) }
        }
        return nil
    }

    private mutating func bucketExactValues() {
        guard let values = exact else { return }
        exact = nil
        for value in values { bucket(value, times: 1) }
    }

    private mutating func bucket(_ value: Double, times: Int) {
        if value == 0 || !value.isFinite {
            zeros += times
        } else if value > 0 {
            positive[Self.index(value), default: 0] += times
        } else {
            negative[Self.index(-value), default: 0] += times
        }
    }

    static func index(_ magnitude: Double) -> Int { Int((Foundation.log(magnitude) / logGamma).rounded(.up)) }

    /// The middle of bucket `index` (values in (γ^(i-1), γ^i]), within the accuracy of every value in it.
    static func value(ofBucket index: Int) -> Double { 2 * Foundation.pow(gamma, Double(index)) / (gamma + 1) }
}
