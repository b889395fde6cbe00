import Foundation

/// What a `stats` execution gathered over one part of a query's events (a time slice), in a form that another
/// execution — in another process, later — merges as if it had seen those events itself: the matched count and
/// each group's aggregation states in first-seen order.
struct PartialState: Codable {
    var recordsMatched: Int
    var groups: [Group]

    struct Group: Codable {
        var key: GroupKey
        var states: [AggregationState]
    }

    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        // Sums may overflow to infinity; a state must still round-trip.
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return encoder
    }

    static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return decoder
    }
}

/// A partial state that does not belong to the plan it is merged into.
public struct PartialStateMismatch: Error {}

extension QueryExecution {
    /// Whether `partialState()` can carry what this execution gathers: the first command that holds anything is
    /// a `stats` (a `sort` keeps whole events, which stay in the process that read them).
    public var exportsPartialState: Bool { stats != nil }

    private var stats: StatsRunner? { firstHolding as? StatsRunner }

    /// The gathered `stats` groups and counts, as bytes to store and merge elsewhere.
    public func partialState() throws -> [UInt8] {
        guard let stats else { throw PartialStateMismatch() }
        let state = PartialState(
            recordsMatched: recordsMatched,
            groups: stats.order.map { PartialState.Group(key: $0, states: stats.states[$0]?.states ?? []) })
        return Array(try PartialState.encoder().encode(state))
    }

    /// Adds a partial state made by `partialState()` of the same plan over other events.
    public func merge(partialState bytes: [UInt8]) throws {
        guard let stats else { throw PartialStateMismatch() }
        let state = try PartialState.decoder().decode(PartialState.self, from: Data(bytes))
        let other = stats.copyWithoutStates()
        for group in state.groups {
            guard group.states.count == stats.calls.count else { throw PartialStateMismatch() }
            other.order.append(group.key)
            other.states[group.key] = GroupStates(group.states)
        }
        stats.merge(other)
        addMatched(state.recordsMatched)
    }
}

extension Value: Codable {
    private enum CodingKeys: String, CodingKey { case string, number, bool, time, json }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let text = try container.decodeIfPresent(String.self, forKey: .string) {
            self = .string(text)
        } else if let number = try container.decodeIfPresent(Double.self, forKey: .number) {
            self = .number(number)
        } else if let flag = try container.decodeIfPresent(Bool.self, forKey: .bool) {
            self = .bool(flag)
        } else if let time = try container.decodeIfPresent(Int64.self, forKey: .time) {
            self = .time(time)
        } else if let text = try container.decodeIfPresent(String.self, forKey: .json) {
            guard let json = JSONValue.parse(Array(text.utf8)) else {
                throw DecodingError.dataCorruptedError(forKey: .json, in: container, debugDescription: "not JSON")
            }
            self = .json(json)
        } else {
            self = .null
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .null: break
        case .string(let text): try container.encode(text, forKey: .string)
        case .number(let number): try container.encode(number, forKey: .number)
        case .bool(let flag): try container.encode(flag, forKey: .bool)
        case .time(let time): try container.encode(time, forKey: .time)
        case .json(let json): try container.encode(json.stringified, forKey: .json)
        }
    }
}
