import CairnFilter
import CairnProtocol

/// Compiled patterns by text, shared by every request of the process: metric and subscription filters run on
/// each PutLogEvents batch, FilterLogEvents pages through one pattern, and compiling a regex into its DFA is worth
/// doing once. Parsing errors are not cached.
final class FilterPatternCache: Sendable {
    static let shared = FilterPatternCache()
    static let capacity = 4096

    private let patterns = CompiledCache<FilterPattern>(capacity: FilterPatternCache.capacity)

    func pattern(_ text: String) throws(AWSError) -> FilterPattern {
        try patterns.value(text) { () throws(AWSError) in try FilterPattern.parsing(text) }
    }
}
