/// The aggregation functions of `stats`.
enum AggregationFunction: String {
    case count, count_distinct, sum, avg, min, max, pct, stddev, earliest, latest, sortsfirst, sortslast

    var arity: ClosedRange<Int> {
        switch self {
        case .count: 0...1
        case .pct: 2...2
        default: 1...1
        }
    }
}

/// One aggregation in a `stats` command: the function, what it reads, and `pct`'s percentile.
struct AggregationCall {
    let function: AggregationFunction
    let argument: CompiledExpression?
    let percentile: Double
}

/// The aggregation states of one `stats` group, in the order of the command's aggregations.
final class GroupStates {
    var states: [AggregationState]
    init(_ states: [AggregationState]) { self.states = states }
}

/// The running state of one aggregation for one group. States of the same aggregation merge, so that parts of
/// a query (time slices) can be aggregated apart and combined.
struct AggregationState: Codable {
    var count = 0
    var sum = 0.0
    /// Welford's running mean and sum of squared differences, for `stddev`.
    var mean = 0.0
    var squares = 0.0
    var best: Value = .null
    var bestTime: Int64 = 0
    var distinct: Set<Value> = []
    var samples = QuantileSketch()

    /// Distinct values kept by `count_distinct` before it stops growing (AWS's is approximate as well).
    static let distinctLimit = 100_000

    mutating func add(_ call: AggregationCall, _ value: Value, time: Int64) {
        switch call.function {
        case .count:
            if call.argument == nil || !value.isNull { count += 1 }
        case .count_distinct:
            if !value.isNull, distinct.count < Self.distinctLimit { distinct.insert(value) }
        case .sum, .avg, .stddev, .pct:
            guard let number = value.number, !number.isNaN else { return }
            count += 1
            sum += number
            let delta = number - mean
            mean += delta / Double(count)
            squares += delta * (number - mean)
            if call.function == .pct { samples.add(number) }
        case .min, .max:
            guard !value.isNull else { return }
            if best.isNull || Value.sortsBefore(value, best) == (call.function == .min) && value != best {
                best = value
            }
        case .earliest, .latest:
            guard !value.isNull else { return }
            if best.isNull || (call.function == .earliest ? time < bestTime : time >= bestTime) {
                best = value
                bestTime = time
            }
        case .sortsfirst, .sortslast:
            guard !value.isNull else { return }
            if best.isNull || Value.sortsBefore(value, best) == (call.function == .sortsfirst) {
                best = value
            }
        }
    }

    mutating func merge(_ other: AggregationState, _ call: AggregationCall) {
        switch call.function {
        case .count: count += other.count
        case .count_distinct: distinct.formUnion(other.distinct)
        case .sum, .avg, .stddev, .pct:
            guard other.count > 0 else { return }
            let total = count + other.count
            let delta = other.mean - mean
            squares += other.squares + delta * delta * Double(count) * Double(other.count) / Double(total)
            mean += delta * Double(other.count) / Double(total)
            count = total
            sum += other.sum
            samples.merge(other.samples)
        case .min, .max, .sortsfirst, .sortslast:
            var merged = self
            merged.add(call, other.best, time: other.bestTime)
            self = merged
        case .earliest, .latest:
            guard !other.best.isNull else { return }
            if best.isNull || (call.function == .earliest ? other.bestTime < bestTime : other.bestTime >= bestTime) {
                best = other.best
                bestTime = other.bestTime
            }
        }
    }

    func result(_ call: AggregationCall) -> Value {
        switch call.function {
        case .count: return .number(Double(count))
        case .count_distinct: return .number(Double(distinct.count))
        case .sum: return count > 0 ? .number(sum) : .null
        case .avg: return count > 0 ? .number(sum / Double(count)) : .null
        case .stddev:
            return count > 1 ? .number((squares / Double(count - 1)).squareRoot()) : (count == 1 ? .number(0) : .null)
        case .pct: return samples.percentile(call.percentile).map(Value.number) ?? .null
        case .min, .max, .earliest, .latest, .sortsfirst, .sortslast: return best
        }
    }
}
