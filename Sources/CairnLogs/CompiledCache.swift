import Synchronization

/// Compiled forms (filter patterns, transformers, data protection maskers) by the text they are compiled from,
/// shared by every request of the process: they run on each PutLogEvents batch, and compiling them is worth doing
/// once. What does not compile is not cached. When full, the cache starts over.
final class CompiledCache<Value: Sendable>: Sendable {
    let capacity: Int
    private let entries = Mutex<[String: Value]>([:])

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// The value compiled from `key`, compiled on first use; an error of `compile` is thrown and not cached.
    func value<Failure: Error>(_ key: String, compile: () throws(Failure) -> Value) throws(Failure) -> Value {
        if let known = entries.withLock({ $0[key] }) { return known }
        let compiled = try compile()
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = compiled
        }
        return compiled
    }

    /// The value compiled from `key`, or nil (not cached) when `compile` finds nothing usable.
    func value(_ key: String, compile: () -> Value?) -> Value? {
        try? value(key) { () throws(Unusable) -> Value in
            guard let compiled = compile() else { throw Unusable() }
            return compiled
        }
    }

    private struct Unusable: Error {}
}
