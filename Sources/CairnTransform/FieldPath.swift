/// A dotted key path into the event (`outer_key.inner_key`), split once when the transformer is compiled.
struct FieldPath: Sendable, Equatable, CustomStringConvertible {
    /// The source name that means the raw log message rather than a field.
    static let messageKey = "@message"

    let description: String
    let segments: [String]

    init(_ text: String) {
        description = text
        segments = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
    }

    /// Whether this path names the raw message.
    var isMessage: Bool { description == Self.messageKey }

    /// The last segment: the key name inside the parent object.
    var leaf: String { segments.last ?? description }
}

extension JSONObject {
    /// The value at `path`, nil when any segment is missing or a parent is not an object.
    func value(at path: FieldPath) -> JSONValue? {
        value(at: path.segments[...])
    }

    private func value(at segments: ArraySlice<String>) -> JSONValue? {
        guard let first = segments.first, let value = self[first] else { return nil }
        if segments.count == 1 { return value }
        return value.objectValue?.value(at: segments.dropFirst())
    }

    /// Stores `value` at `path`, creating missing parent objects. An existing value is replaced only when
    /// `overwrite` is true; a parent that exists but is not an object is never replaced.
    /// - Returns: whether the value was stored.
    @discardableResult
    mutating func setValue(_ value: JSONValue, at path: FieldPath, overwrite: Bool) -> Bool {
        setValue(value, at: path.segments[...], overwrite: overwrite)
    }

    private mutating func setValue(_ value: JSONValue, at segments: ArraySlice<String>, overwrite: Bool) -> Bool {
        guard let first = segments.first else { return false }
        if segments.count == 1 { return setValue(value, forKey: first, overwrite: overwrite) }
        if self[first] == nil { self[first] = .object(JSONObject()) }
        return modifyValue(forKey: first) { child in
            guard case .object(var object) = child else { return false }
            child = .null
            let stored = object.setValue(value, at: segments.dropFirst(), overwrite: overwrite)
            child = .object(object)
            return stored
        } ?? false
    }

    /// Removes and returns the value at `path`; parents stay (possibly empty).
    @discardableResult
    mutating func removeValue(at path: FieldPath) -> JSONValue? {
        removeValue(at: path.segments[...])
    }

    private mutating func removeValue(at segments: ArraySlice<String>) -> JSONValue? {
        guard let first = segments.first else { return nil }
        if segments.count == 1 { return removeValue(forKey: first) }
        return modifyValue(forKey: first) { child -> JSONValue? in
            guard case .object(var object) = child else { return nil }
            child = .null
            let removed = object.removeValue(at: segments.dropFirst())
            child = .object(object)
            return removed
        } ?? nil
    }

    /// Rewrites the value at `path` in place.
    /// - Returns: nil when there is no value at `path`, otherwise the closure's result.
    mutating func modifyValue<Result>(at path: FieldPath, _ body: (inout JSONValue) -> Result) -> Result? {
        modifyValue(at: path.segments[...], body)
    }

    private mutating func modifyValue<Result>(
        at segments: ArraySlice<String>, _ body: (inout JSONValue) -> Result
    ) -> Result? {
        guard let first = segments.first else { return nil }
        if segments.count == 1 { return modifyValue(forKey: first, body) }
        return modifyValue(forKey: first) { child -> Result? in
            guard case .object(var object) = child else { return nil }
            child = .null
            let result = object.modifyValue(at: segments.dropFirst(), body)
            child = .object(object)
            return result
        } ?? nil
    }

    /// Adds `fields` to the object at `destination` (the root when nil), creating it when missing. Keys
    /// that already exist keep their value unless `overwrite` is true.
    /// - Returns: false when `destination` holds something other than an object.
    @discardableResult
    mutating func merge(_ fields: JSONObject, under destination: FieldPath?, overwrite: Bool) -> Bool {
        guard let destination else {
            for (key, value) in fields.entries where overwrite || self[key] == nil { self[key] = value }
            return true
        }
        guard let existing = value(at: destination) else {
            return setValue(.object(fields), at: destination, overwrite: false)
        }
        guard existing.objectValue != nil else {
            return overwrite && setValue(.object(fields), at: destination, overwrite: true)
        }
        return modifyValue(at: destination) { target in
            guard case .object(var object) = target else { return false }
            target = .null
            object.merge(fields, under: nil, overwrite: overwrite)
            target = .object(object)
            return true
        } ?? false
    }
}
