/// A value a grok pattern or a vended-log parser extracts from a log event.
///
/// Grok values are strings, except the typed outputs AWS documents for the common log patterns and the
/// numeric columns of the vended log formats.
public enum GrokValue: Sendable, Equatable {
    case string(String)
    case integer(Int64)
    case double(Double)
}

/// One extracted field: a dotted path (`client.ip` nests as `{"client":{"ip":…}}`) and its value.
public struct GrokField: Sendable, Equatable {
    public let path: String
    public let value: GrokValue

    public init(path: String, value: GrokValue) {
        self.path = path
        self.value = value
    }
}
