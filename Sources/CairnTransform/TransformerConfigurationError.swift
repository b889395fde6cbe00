/// A `transformerConfig` that CloudWatch Logs would reject; `message` becomes the message of an
/// InvalidParameterException.
public struct TransformerConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String

    public init(message: String) {
        self.message = message
    }

    public var description: String { message }
}
