import Foundation

extension VendedLogFormat {
    /// RDS for PostgreSQL's `log_line_prefix` `%t:%r:%u@%d:[%p]:` followed by the level
    /// (`2019-03-10 03:54:59 UTC:10.0.0.123(52834):postgres@logtestdb:[20175]:ERROR: …`).
    private static let postgresPrefix: NSRegularExpression? = try? NSRegularExpression(
        pattern:
            #"\A(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?(?: [A-Za-z0-9+-]+)?):(.*?):([^@]*)@(.*?):\[(\d+)\]:([A-Z0-9]+):"#
    )
    private static let postgresFieldNames = ["logTime", "srcIp", "userName", "dbName", "processId", "logLevel"]

    /// The prefix fields (all strings, as AWS's example shows; empty ones, as in `::@:` of background
    /// processes, are left out). AWS's example has no field for the message after the level, so none is made.
    static func parsePostgresPrefix(_ text: String, budget: TransformBudget) -> [GrokField]? {
        guard let expression = postgresPrefix,
            let result = budget.matches(of: expression, in: text, options: [.anchored], first: true)?.first
        else { return nil }
        var fields: [GrokField] = []
        for (group, name) in postgresFieldNames.enumerated() {
            guard let bounds = Range(result.range(at: group + 1), in: text), !bounds.isEmpty else { continue }
            fields.append(GrokField(path: name, value: .string(String(text[bounds]))))
        }
        return fields
    }
}
