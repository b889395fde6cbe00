/// A JSON value as a transformed log event holds it: objects keep their keys in insertion order and
/// numbers keep whether they were written as integers or as doubles.
enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case integer(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// The string inside a `.string` value, nil for every other kind.
    var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// The object inside an `.object` value, nil for every other kind.
    var objectValue: JSONObject? {
        if case .object(let object) = self { return object }
        return nil
    }

    /// The number of object keys in this value and every object nested in it (arrays are not descended).
    var fieldCount: Int {
        guard case .object(let object) = self else { return 0 }
        return object.fieldCount
    }
}

/// A JSON object whose keys keep the order in which they were added.
///
/// Lookups in small objects are linear (a scan over a few keys beats hashing); an object of more than
/// `indexedCount` keys also keeps a dictionary of their positions, so that parsing a message of 2,000 keys (or
/// merging one) stays linear instead of comparing every key with every other.
struct JSONObject: Sendable, Equatable {
    private(set) var keys: [String] = []
    private(set) var values: [JSONValue] = []
    /// Each key's position, once the object has more than `indexedCount` keys.
    private var positions: [String: Int]? = nil

    static let indexedCount = 32

    init() {}

    static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        lhs.keys == rhs.keys && lhs.values == rhs.values
    }

    /// Creates an object from key/value pairs; a repeated key keeps its first position and its last value.
    init(_ pairs: [(String, JSONValue)]) {
        for (key, value) in pairs { self[key] = value }
    }

    var count: Int { keys.count }
    var isEmpty: Bool { keys.isEmpty }

    /// The key/value pairs in insertion order.
    var entries: Zip2Sequence<[String], [JSONValue]> { zip(keys, values) }

    func index(of key: String) -> Int? {
        if let positions { return positions[key] }
        return keys.firstIndex(of: key)
    }

    /// Reads a key; setting a new key appends it, setting an existing key replaces its value in place,
    /// setting nil removes the key.
    subscript(key: String) -> JSONValue? {
        get {
            guard let index = index(of: key) else { return nil }
            return values[index]
        }
        set {
            if let index = index(of: key) {
                if let newValue {
                    values[index] = newValue
                } else {
                    remove(at: index)
                }
            } else if let newValue {
                append(key, newValue)
            }
        }
    }

    /// Stores `value` under `key` (appended when new); an existing key keeps its value unless `overwrite`.
    /// Returns whether the value was stored. One lookup.
    mutating func setValue(_ value: JSONValue, forKey key: String, overwrite: Bool) -> Bool {
        if let index = index(of: key) {
            guard overwrite else { return false }
            values[index] = value
            return true
        }
        append(key, value)
        return true
    }

    /// Adds a new key. A new object's arrays are made for eight keys at once (transformed events are built one key
    /// at a time).
    private mutating func append(_ key: String, _ value: JSONValue) {
        if keys.capacity == 0 {
            keys.reserveCapacity(8)
            values.reserveCapacity(8)
        }
        keys.append(key)
        values.append(value)
        if positions != nil {
            positions?[key] = keys.count - 1
        } else if keys.count > Self.indexedCount {
            positions = Dictionary(uniqueKeysWithValues: zip(keys, keys.indices))
        }
    }

    /// Removes the key at `index` and returns its value; the positions after it move down by one.
    @discardableResult
    private mutating func remove(at index: Int) -> JSONValue {
        let key = keys.remove(at: index)
        if positions != nil {
            positions?[key] = nil
            for later in index..<keys.count { positions?[keys[later]] = later }
        }
        return values.remove(at: index)
    }

    /// Removes a key and returns its value.
    @discardableResult
    mutating func removeValue(forKey key: String) -> JSONValue? {
        guard let index = index(of: key) else { return nil }
        return remove(at: index)
    }

    /// Mutates the value stored under `key` in place without copying it (the slot is emptied while the
    /// closure runs so the value stays uniquely referenced).
    mutating func modifyValue<Result>(
        forKey key: String, _ body: (inout JSONValue) -> Result
    ) -> Result? {
        guard let index = index(of: key) else { return nil }
        var value = values[index]
        values[index] = .null
        let result = body(&value)
        values[index] = value
        return result
    }

    /// The number of keys here and in every nested object (arrays are not descended).
    var fieldCount: Int {
        values.reduce(keys.count) { $0 + $1.fieldCount }
    }
}
