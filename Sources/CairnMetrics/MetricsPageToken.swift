import Foundation

/// The `NextToken`s of the metrics API: `<kind>:<position>` in base64. They carry nothing secret (a series id, a
/// query's place, a dashboard name of the caller's own account), and each read stays within the caller's account.
enum MetricsPageToken {
    static func make(kind: String, _ position: String) -> String {
        Data("\(kind):\(position)".utf8).base64EncodedString()
    }

    /// The position a token of `kind` holds; nil for anything else.
    static func value(of token: String, kind: String) -> String? {
        guard let data = Data(base64Encoded: token), let text = String(data: data, encoding: .utf8),
            text.hasPrefix(kind + ":")
        else { return nil }
        return String(text.dropFirst(kind.count + 1))
    }
}
