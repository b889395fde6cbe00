import CairnFilter
import CairnProtocol

extension FilterPattern {
    /// Parses a request's `filterPattern`; an invalid one is AWS's `InvalidParameterException`.
    static func parsing(_ text: String?) throws(AWSError) -> FilterPattern {
        do {
            return try FilterPattern(text ?? "")
        } catch {
            throw .invalidParameter(error.message)
        }
    }
}
