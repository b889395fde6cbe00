import CairnFilter
import CairnProtocol
import Synchronization

/// Compiled patterns by text, shared by every request of the process: metric and subscription filters run on
/// each PutLogEvents batch, FilterLogEvents pages through one pattern, and compiling a regex into its DFA is worth
/// doing once. Parsing errors are not cached.
final class FilterPatternCache: Sendable {
    static let shared = FilterPatternCache()
    static let capacity = 4096

    private let patterns = Mutex<[String: FilterPattern]>([:])

    func pattern(_ text: String) throws(AWSError) -> FilterPattern {
        if let known = patterns.withLock({ $0[text] }) { return known }
        let compiled = try FilterPattern.parsing(text)
        patterns.withLock { cache in
            if cache.count >= Self.capacity { cache.removeAll(keepingCapacity: true) }
            cache[text] = compiled
        }
        return compiled
    }
}
