/// A function of one series to one series, applied to a series or to each series of an array.
enum SeriesTransform {
    case pointwise(@Sendable (Double) -> Double)
    /// DIFF: each value minus the one before it.
    case difference
    /// DIFF_TIME: the seconds since the point before.
    case timeDifference
    /// RATE: DIFF / DIFF_TIME.
    case rate
    case runningSum
    /// FILL's filler.
    case fill(Filler)
    /// MINUTE … EPOCH: a value of every period's UTC time.
    case calendar(MathFunction)

    enum Filler {
        case value(Double)
        case series(MetricSeries)
        case repeatLast
        case linear
    }
}

/// A statistic of the values of a series (SUM(m1)), or across the series of an array at one timestamp.
enum SeriesStatistic {
    case sum, average, minimum, maximum, standardDeviation, count

    init(_ function: MathFunction) {
        switch function {
        case .sum: self = .sum
        case .avg: self = .average
        case .min: self = .minimum
        case .max: self = .maximum
        case .stddev: self = .standardDeviation
        default: self = .count
        }
    }

    /// The statistic of `values`; NaN for the average, minimum, maximum or deviation of nothing.
    func of(_ values: [Double]) -> Double {
        switch self {
        case .sum: return values.reduce(0, +)
        case .count: return Double(values.count)
        case .average: return values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count)
        case .minimum: return values.min() ?? .nan
        case .maximum: return values.max() ?? .nan
        case .standardDeviation:
            guard !values.isEmpty else { return .nan }
            let mean = values.reduce(0, +) / Double(values.count)
            return (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)).squareRoot()
        }
    }
}

extension MetricMathEvaluator {
    mutating func transformed(
        _ series: MetricSeries, _ transform: SeriesTransform
    ) throws(MetricMathError)
        -> MetricSeries
    {
        let times = series.timestamps
        let values = series.values
        switch transform {
        case .pointwise(let operation):
            return try made(like: series, times, values.map(operation))
        case .difference, .timeDifference, .rate:
            guard times.count > 1 else { return series.emptied() }
            let changes = (1..<times.count).map { index in
                let elapsed = Double(times[index] - times[index - 1])
                let change = values[index] - values[index - 1]
                return switch transform {
                case .difference: change
                case .timeDifference: elapsed
                default: change / elapsed
                }
            }
            return try made(like: series, Array(times.dropFirst()), changes)
        case .runningSum:
            var total = 0.0
            return try made(
                like: series, times,
                values.map { value in
                    total += value
                    return total
                })
        case .fill(let filler):
            return try filled(series, filler)
        case .calendar(let function):
            let grid = try context.grid(period: series.period)
            return try made(like: series, grid, grid.map { Self.calendar(function, $0) })
        }
    }

    /// FILL on one series: its points, and the periods of its grid it has no point at, filled.
    private mutating func filled(
        _ series: MetricSeries, _ filler: SeriesTransform.Filler
    ) throws(MetricMathError)
        -> MetricSeries
    {
        let grid = try context.grid(period: series.period)
        let times = series.timestamps
        let values = series.values
        var outTimes: [Int64] = []
        var outValues: [Double] = []
        var next = 0
        var fillerIndex = 0
        for slot in grid {
            while next < times.count, times[next] < slot {
                outTimes.append(times[next])
                outValues.append(values[next])
                next += 1
            }
            if next < times.count, times[next] == slot { continue }
            let value: Double?
            switch filler {
            case .value(let constant):
                value = constant
            case .series(let source):
                while fillerIndex < source.timestamps.count, source.timestamps[fillerIndex] < slot { fillerIndex += 1 }
                let found = fillerIndex < source.timestamps.count && source.timestamps[fillerIndex] == slot
                value = found ? source.values[fillerIndex] : nil
            case .repeatLast:
                value = next > 0 ? values[next - 1] : nil
            case .linear:
                guard next > 0, next < times.count else {
                    value = nil
                    break
                }
                let (t0, t1) = (Double(times[next - 1]), Double(times[next]))
                value = values[next - 1] + (values[next] - values[next - 1]) * (Double(slot) - t0) / (t1 - t0)
            }
            if let value {
                outTimes.append(slot)
                outValues.append(value)
            }
        }
        outTimes += times[next...]
        outValues += values[next...]
        return try made(like: series, outTimes, outValues)
    }

    /// A statistic across an array, at every timestamp of any of its series.
    mutating func aggregate(
        _ statistic: SeriesStatistic, across array: [MetricSeries]
    ) throws(MetricMathError)
        -> MetricSeries
    {
        let template = MetricSeries(
            id: "", label: "", period: array.map(\.period).min() ?? context.period, ordered: [], [])
        try charge(array.reduce(0) { $0 + $1.timestamps.count })
        let times = Set(array.flatMap(\.timestamps)).sorted()
        var cursors = Array(repeating: 0, count: array.count)
        var present: [Double] = []
        var values: [Double] = []
        values.reserveCapacity(times.count)
        for time in times {
            present.removeAll(keepingCapacity: true)
            for (member, series) in array.enumerated() {
                let cursor = cursors[member]
                if cursor < series.timestamps.count, series.timestamps[cursor] == time {
                    present.append(series.values[cursor])
                    cursors[member] += 1
                }
            }
            // AVG counts a missing point as 0: the sum over every member of the array.
            values.append(
                statistic == .average ? present.reduce(0, +) / Double(array.count) : statistic.of(present))
        }
        return try made(like: template, times, values)
    }

    /// FILL(TS | TS[], S | TS | REPEAT | LINEAR).
    mutating func fill(_ arguments: [MathNode]) throws(MetricMathError) -> MetricMathValue {
        let target = try value(of: arguments[0])
        let filler: SeriesTransform.Filler
        if case .keyword(let keyword) = arguments[1].kind {
            filler = keyword == "REPEAT" ? .repeatLast : .linear
        } else {
            switch try value(of: arguments[1]) {
            case .scalar(let scalar): filler = .value(scalar)
            case .series(let series): filler = .series(series)
            case let other:
                throw typeError(.fill, 1, arguments[1], other, "a scalar, a time series, REPEAT or LINEAR")
            }
        }
        guard case .scalar = target else { return try each(target, .fill(filler)) }
        throw typeError(.fill, 0, arguments[0], target, "a time series or an array of time series")
    }

    /// IF(condition, whenTrue[, whenFalse]).
    mutating func choose(_ arguments: [MathNode]) throws(MetricMathError) -> MetricMathValue {
        let condition = try value(of: arguments[0])
        var branches: [MetricMathValue] = []
        for (index, node) in arguments.enumerated().dropFirst() {
            let branch = try value(of: node)
            if case .array = branch {
                throw typeError(.if, index, node, branch, "a scalar or a time series")
            }
            branches.append(branch)
        }
        let whenFalse = branches.count > 1 ? branches[1] : nil
        switch condition {
        case .scalar(let truth):
            for (index, branch) in branches.enumerated() where branch.firstSeries == nil {
                throw typeError(.if, index + 1, arguments[index + 1], branch, "a time series")
            }
            let chosen = truth != 0 ? branches[0] : whenFalse
            return .series(chosen?.firstSeries ?? branches[0].firstSeries?.emptied() ?? emptySeries)
        case .series(let series):
            var times: [Int64] = []
            var values: [Double] = []
            var lookups = [0, 0]
            for (time, truth) in zip(series.timestamps, series.values) {
                let branch = truth != 0 ? 0 : 1
                switch branch < branches.count ? branches[branch] : nil {
                case .scalar(let value):
                    times.append(time)
                    values.append(value)
                case .series(let source):
                    while lookups[branch] < source.timestamps.count, source.timestamps[lookups[branch]] < time {
                        lookups[branch] += 1
                    }
                    let cursor = lookups[branch]
                    if cursor < source.timestamps.count, source.timestamps[cursor] == time {
                        times.append(time)
                        values.append(source.values[cursor])
                    } else if branch == 0 {
                        // "has the value of 0, if … TRUE and the corresponding data point does not exist in metric2"
                        times.append(time)
                        values.append(0)
                    }
                default:
                    break
                }
            }
            return .series(try made(like: series, times, values))
        case .array:
            throw typeError(.if, 0, arguments[0], condition, "a scalar or a time series")
        }
    }

    /// SORT(TS[], AVG | MIN | MAX | SUM, ASC | DESC[, limit]).
    mutating func sort(_ arguments: [MathNode]) throws(MetricMathError) -> [MetricSeries] {
        let array = try array(.sort, arguments, 0)
        guard case .keyword(let key) = arguments[1].kind, case .keyword(let order) = arguments[2].kind else {
            return array
        }
        let statistic: SeriesStatistic =
            switch key {
            case "AVG": .average
            case "MIN": .minimum
            case "MAX": .maximum
            default: .sum
            }
        try charge(array.reduce(0) { $0 + $1.values.count })
        let keys = array.map { statistic.of($0.values) }
        let descending = order == "DESC"
        let ranked = array.indices.sorted { a, b in
            switch (keys[a].isNaN, keys[b].isNaN) {
            case (false, true): return true
            case (true, false): return false
            case (true, true): return a < b
            case (false, false):
                if keys[a] == keys[b] { return a < b }
                return descending ? keys[a] > keys[b] : keys[a] < keys[b]
            }
        }
        let limit = arguments.count > 3 ? try index(.sort, arguments, 3, count: array.count) : array.count
        return ranked.prefix(limit).map { array[$0] }
    }

    /// MINUTE … EPOCH of an epoch second, in UTC.
    static func calendar(_ function: MathFunction, _ time: Int64) -> Double {
        let (days, second) = floorDivision(time, 86_400)
        switch function {
        case .minute: return Double(second % 3600 / 60)
        case .hour: return Double(second / 3600)
        // 1970-01-01 was a Thursday, day 4 when Monday is 1.
        case .day: return Double(floorDivision(days + 3, 7).remainder + 1)
        case .epoch: return Double(time)
        default:
            // Howard Hinnant's civil_from_days.
            let (era, dayOfEra) = floorDivision(days + 719_468, 146_097)
            let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
            let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
            let shiftedMonth = (5 * dayOfYear + 2) / 153
            let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
            switch function {
            case .date: return Double(dayOfYear - (153 * shiftedMonth + 2) / 5 + 1)
            case .month: return Double(month)
            default: return Double(yearOfEra + era * 400 + (month <= 2 ? 1 : 0))
            }
        }
    }

    /// Quotient rounded toward negative infinity, and the remainder, in `0..<divisor`.
    static func floorDivision(_ value: Int64, _ divisor: Int64) -> (quotient: Int64, remainder: Int64) {
        let remainder = value % divisor
        return remainder < 0 ? (value / divisor - 1, remainder + divisor) : (value / divisor, remainder)
    }
}
