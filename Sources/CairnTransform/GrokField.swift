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
    /// `path` split into its keys.
    let fieldPath: FieldPath

    public init(path: String, value: GrokValue) {
        self.init(FieldPath(path), value: value)
    }

    /// A field at a path split beforehand (a grok capture's, split when the pattern was compiled).
    init(_ fieldPath: FieldPath, value: GrokValue) {
        path = fieldPath.description
        self.fieldPath = fieldPath
        self.value = value
    }

    public static func == (left: GrokField, right: GrokField) -> Bool {
        left.path == right.path && left.value == right.value
    }
}
