/// How the HTTP side of `cairn serve` is set up. Built from flags and `CAIRN_*` variables by the executable.
public struct ServerConfiguration: Sendable, CustomStringConvertible {
    /// Cairn's documented default port.
    public static let defaultPort = 4588
    public static let defaultRegion = "us-east-1"
    /// Requests above 1.5 MB are refused before they are parsed (PutLogEvents allows 1 MB of events).
    public static let maxRequestBodyBytes = 1_572_864

    public var host: String
    public var port: Int
    public var region: String

    public init(host: String = "127.0.0.1", port: Int = defaultPort, region: String = defaultRegion) {
        self.host = host
        self.port = port
        self.region = region
    }

    public var endpointURL: String {
        let shownHost = host == "0.0.0.0" || host == "::" ? "127.0.0.1" : host
        return "http://\(shownHost):\(port)"
    }

    public var description: String { "host=\(host) port=\(port) region=\(region)" }
}
