/// A metric alarm's state (`StateValue`).
public enum AlarmState: String, Sendable, Codable, CaseIterable {
    case ok = "OK"
    case alarm = "ALARM"
    case insufficientData = "INSUFFICIENT_DATA"
}

/// How an alarm treats the periods of its evaluation range that have no data point (`TreatMissingData`).
public enum TreatMissingData: String, Sendable, Codable, CaseIterable {
    case breaching, notBreaching, ignore, missing
}

/// The comparisons a static-threshold alarm makes (anomaly bands are not served).
public enum ComparisonOperator: String, Sendable, Codable, CaseIterable {
    case greaterThanOrEqualToThreshold = "GreaterThanOrEqualToThreshold"
    case greaterThanThreshold = "GreaterThanThreshold"
    case lessThanThreshold = "LessThanThreshold"
    case lessThanOrEqualToThreshold = "LessThanOrEqualToThreshold"

    public func breaches(_ value: Double, _ threshold: Double) -> Bool {
        switch self {
        case .greaterThanOrEqualToThreshold: value >= threshold
        case .greaterThanThreshold: value > threshold
        case .lessThanThreshold: value < threshold
        case .lessThanOrEqualToThreshold: value <= threshold
        }
    }

    /// The words AWS's state reasons use ("was greater than the threshold").
    var words: String {
        switch self {
        case .greaterThanOrEqualToThreshold: "greater than or equal to"
        case .greaterThanThreshold: "greater than"
        case .lessThanThreshold: "less than"
        case .lessThanOrEqualToThreshold: "less than or equal to"
        }
    }
}

/// Decides a metric alarm's state from its evaluation range, as AWS documents it ("Evaluating an alarm",
/// "Configuring how CloudWatch alarms treat missing data"): with at least N real points the newest N decide
/// (ALARM when M of them breach); with fewer, missing points are filled as `TreatMissingData` says, as few as
/// possible; with `missing` and `ignore`, an alarm goes to ALARM early only once its oldest breaching point is at
/// least M periods old and nothing newer is fine. Every example row of AWS's tables is a unit test.
public struct AlarmEvaluation: Sendable, Equatable {
    /// N: how many of the most recent periods are evaluated.
    public let evaluationPeriods: Int
    /// M: how many of them must breach.
    public let datapointsToAlarm: Int
    public let treatMissingData: TreatMissingData

    public init(evaluationPeriods: Int, datapointsToAlarm: Int? = nil, treatMissingData: TreatMissingData = .missing) {
        self.evaluationPeriods = evaluationPeriods
        self.datapointsToAlarm = datapointsToAlarm ?? evaluationPeriods
        self.treatMissingData = treatMissingData
    }

    /// How many periods the evaluation range holds. AWS documents one size (5 for 3 evaluation periods) and no
    /// formula; Cairn reads N + max(N / 3, 2) periods.
    public var rangeSize: Int { evaluationPeriods + max(evaluationPeriods / 3, 2) }

    /// What decided a state, for its reason.
    public struct Outcome: Sendable, Equatable {
        public let state: AlarmState
        /// Positions (in the range, oldest first) of the real points that decided: the breaching ones for ALARM,
        /// the others for OK.
        public let deciding: [Int]
        /// Missing periods filled as breaching or not breaching (0 when none were).
        public let filled: Int
    }

    /// The state for a range of points, oldest first (`nil`: a period without data; true: the point breaches).
    /// `current` is kept where AWS keeps it (`ignore`).
    public func outcome(_ points: [Bool?], current: AlarmState) -> Outcome {
        let (n, m) = (evaluationPeriods, datapointsToAlarm)
        let real = points.indices.filter { points[$0] != nil }
        let breaching = real.filter { points[$0] == true }
        let fine = real.filter { points[$0] == false }
        if real.count >= n {
            let window = Array(real.suffix(n))
            let hits = window.filter { points[$0] == true }
            return hits.count >= m
                ? Outcome(state: .alarm, deciding: hits, filled: 0)
                : Outcome(state: .ok, deciding: window.filter { points[$0] == false }, filled: 0)
        }
        let missingCount = n - real.count
        switch treatMissingData {
        case .breaching, .notBreaching:
            let filledBreaching = treatMissingData == .breaching ? missingCount : 0
            return breaching.count + filledBreaching >= m
                ? Outcome(state: .alarm, deciding: breaching, filled: missingCount)
                : Outcome(state: .ok, deciding: fine, filled: missingCount)
        case .missing, .ignore:
            let keep = treatMissingData == .ignore ? current : .insufficientData
            if real.isEmpty { return Outcome(state: keep, deciding: [], filled: 0) }
            if breaching.count >= m { return Outcome(state: .alarm, deciding: breaching, filled: 0) }
            if !fine.isEmpty { return Outcome(state: .ok, deciding: fine, filled: 0) }
            // Every real point breaches, fewer than M: ALARM once the oldest of them is M periods old (AWS's rule
            // against premature alarms), except that `ignore` keeps the state.
            let age = points.count - breaching[0]
            if age >= m, treatMissingData == .missing { return Outcome(state: .alarm, deciding: breaching, filled: 0) }
            return Outcome(state: keep, deciding: [], filled: 0)
        }
    }
}
