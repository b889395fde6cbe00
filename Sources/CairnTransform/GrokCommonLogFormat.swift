/// The three common log patterns AWS predefines, with the field names, types and order its examples show.
///
/// Inside these definitions a capture may carry a type, `%{NONNEGINT:status_code:int}` or
/// `%{HTTPDATE:timestamp:httpdate}` (users cannot write one: the tokenizer refuses a third part). Fields whose
/// value is `-` or empty are left out, as AWS's examples leave out `-` ident, auth user and proc id.
enum GrokCommonLogFormat {
    /// Common Log Format, optionally followed by the combined format's referrer and user agent.
    static let apacheAccessLog =
        #"%{IPORHOST:remote_host} \S+ (?:-|%{NOTSPACE:auth_user}) \[%{HTTPDATE:timestamp:httpdate}\] "#
        + #""%{HTTP_REQUEST_LINE}" %{NONNEGINT:status_code:int} (?:-|%{NONNEGINT:response_size:int})"#
        + #"(?: "(?:-|%{DATA:referrer})" "(?:-|%{DATA:agent})")?"#

    /// nginx's default `combined` format.
    static let nginxAccessLog =
        #"%{IPORHOST:remote_host} \S+ (?:-|%{NOTSPACE:auth_user}) \[%{HTTPDATE:timestamp:httpdate}\] "#
        + #""%{HTTP_REQUEST_LINE}" %{NONNEGINT:status_code:int} (?:-|%{NONNEGINT:response_size:int}) "#
        + #""(?:-|%{DATA:referrer})" "(?:-|%{DATA:agent})""#

    /// `METHOD target HTTP/version`, or anything else as the raw `request`.
    static let httpRequestLine =
        #"(?:%{WORD:http_method} %{NOTSPACE:request}(?: HTTP/%{NUMBER:http_version})?|%{DATA:request})"#

    /// RFC 5424 syslog: the first structured-data element (without brackets) goes to `structured_data`, the
    /// rest of the line to `message` (AWS's example). The proc id's field name is not documented (AWS's example
    /// has `-`); `proc_id` follows the other names' style.
    static let syslog5424 =
        #"<%{NONNEGINT:pri:int}>%{NONNEGINT:version:int} +(?:-|%{TIMESTAMP_ISO8601:timestamp}) "#
        + #"+(?:-|%{IPORHOST:hostname}) +(?:-|%{SYSLOG5424PRINTASCII:app}) +(?:-|%{SYSLOG5424PRINTASCII:proc_id}) "#
        + #"+(?:-|%{SYSLOG5424PRINTASCII:msg_id})(?: +(?:-|\[%{DATA:structured_data}\]))?(?: *%{GREEDYDATA:message})?"#

    /// The order AWS's examples list the access-log fields in (not the order they appear in the line).
    static let accessLogFieldOrder = [
        "request", "referrer", "agent", "http_method", "status_code", "auth_user", "http_version", "response_size",
        "remote_host", "timestamp",
    ]

    /// Where a common-log field goes in the output, or nil to keep the order of the line.
    static func outputRank(of path: String, in pattern: String) -> Int? {
        guard pattern != "SYSLOG5424" else { return nil }
        return accessLogFieldOrder.firstIndex(of: path)
    }
}
