/// `[ip, user, ..., status=4*, bytes>1000]`: conditions on the fields of a space-delimited event.
/// Text in `"…"` or `[…]` is one field. `...` stands for any number of fields; without it the event
/// must have exactly as many fields as the pattern names.
struct DelimitedPattern: Sendable {
    enum Column: Sendable {
        case ellipsis
        /// A named field; it matches when one of the alternatives (conditions joined by `&&`) holds. An unnamed
        /// column (nothing between its commas, as in AWS's `[..., request=*.html*, status_code=4*,]`) matches any
        /// one field and binds nothing.
        case field(name: String, alternatives: [[ValueCondition]])
    }

    let columns: [Column]
    let ellipsisCount: Int
    /// `$name` of each named column, in order: the names TestMetricFilter reports.
    let boundNames: [String]

    static let nameStops = Set(",]=!<>&|\"%".utf8)
    static let valueStops = Set(",]&|".utf8)

    var fieldNames: [String] {
        columns.compactMap { if case .field(let name, _) = $0, !name.isEmpty { name } else { nil } }
    }

    init(_ cursor: inout PatternCursor, regexCount: inout Int) throws(FilterPatternError) {
        guard cursor.consume("[") else { throw .invalid }
        var columns: [Column] = []
        repeat {
            columns.append(try Self.parseColumn(&cursor, regexCount: &regexCount))
        } while cursor.consume(",")
        guard cursor.consume("]") else {
            cursor.skipSpaces()
            let rest = cursor.readBare(stoppingAt: [])
            throw rest.isEmpty ? .invalid : .invalidCharacters(rest)
        }
        cursor.skipSpaces()
        guard cursor.isAtEnd else { throw .invalid }
        // A pattern of unnamed columns only (`[]`, `[,]`) names nothing to match on.
        guard columns.contains(where: { if case .field("", _) = $0 { false } else { true } }) else {
            throw .invalidCharacters([UInt8(ascii: "]")])
        }
        self.columns = columns
        ellipsisCount = columns.count { if case .ellipsis = $0 { true } else { false } }
        boundNames = columns.compactMap { if case .field(let name, _) = $0, !name.isEmpty { "$" + name } else { nil } }
    }

    private static func parseColumn(
        _ cursor: inout PatternCursor, regexCount: inout Int
    ) throws(FilterPatternError) -> Column {
        if cursor.consume("...") { return .ellipsis }
        cursor.skipSpaces()
        if let next = cursor.current, next == UInt8(ascii: ",") || next == UInt8(ascii: "]") {
            return .field(name: "", alternatives: [])
        }
        let name = cursor.readBare(stoppingAt: nameStops)
        guard !name.isEmpty else { throw .invalidCharacters(cursor.current.map { [$0] } ?? []) }
        guard name.allSatisfy({ RegexPattern.isAlphanumeric($0) || $0 == UInt8(ascii: "_") || $0 >= 0x80 }) else {
            throw .invalidCharacters(name)
        }
        var alternatives: [[ValueCondition]] = []
        guard let first = try ValueCondition.parse(&cursor, valueStops: valueStops, regexCount: &regexCount) else {
            return .field(name: String(decoding: name, as: UTF8.self), alternatives: [])
        }
        var group = [first]
        while true {
            let isAnd: Bool
            if cursor.consume("&&") {
                isAnd = true
            } else if cursor.consume("||") {
                isAnd = false
            } else {
                break
            }
            // Every condition in a column is about that column: `status = 4* && status != 404`.
            cursor.skipSpaces()
            guard cursor.readBare(stoppingAt: nameStops).elementsEqual(name),
                let next = try ValueCondition.parse(&cursor, valueStops: valueStops, regexCount: &regexCount)
            else { throw .invalid }
            if isAnd {
                group.append(next)
            } else {
                alternatives.append(group)
                group = [next]
            }
        }
        alternatives.append(group)
        return .field(name: String(decoding: name, as: UTF8.self), alternatives: alternatives)
    }

    /// The values of the named columns (in `boundNames` order) when the pattern matches the event.
    func match(_ message: ArraySlice<UInt8>) -> [ArraySlice<UInt8>]? {
        let fields = Self.fields(of: message)
        var assignment = [Int](repeating: -1, count: columns.count)
        var failed = Set<Int>()
        guard place(column: 0, field: 0, fields, &assignment, &failed) else { return nil }
        var bound: [ArraySlice<UInt8>] = []
        bound.reserveCapacity(boundNames.count)
        for (column, field) in zip(columns, assignment) {
            if case .field(let name, _) = column, !name.isEmpty { bound.append(fields[field]) }
        }
        return bound
    }

    /// Places columns from `column` on fields from `field`; remembers dead ends so several `...` stay polynomial.
    private func place(
        column: Int, field: Int, _ fields: [ArraySlice<UInt8>], _ assignment: inout [Int], _ failed: inout Set<Int>
    ) -> Bool {
        if column == columns.count { return field == fields.count }
        let key = column * (fields.count + 1) + field
        if ellipsisCount > 1, failed.contains(key) { return false }
        var placed = false
        switch columns[column] {
        case .ellipsis:
            for next in field...fields.count where place(column: column + 1, field: next, fields, &assignment, &failed)
            {
                placed = true
                break
            }
        case .field(_, let alternatives):
            if field < fields.count, Self.holds(alternatives, .word(fields[field])),
                place(column: column + 1, field: field + 1, fields, &assignment, &failed)
            {
                assignment[column] = field
                placed = true
            }
        }
        if !placed, ellipsisCount > 1 { failed.insert(key) }
        return placed
    }

    private static func holds(_ alternatives: [[ValueCondition]], _ value: FieldValue) -> Bool {
        alternatives.isEmpty || alternatives.contains { group in group.allSatisfy { $0.holds(for: value) } }
    }

    /// Splits an event on spaces; `"…"` and `[…]` enclose one field each (without their delimiters).
    static func fields(of message: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
        var fields: [ArraySlice<UInt8>] = []
        forEachField(of: message) { field in
            fields.append(field)
            return true
        }
        return fields
    }

    /// Calls `body` with each field in order until it returns false.
    static func forEachField(of message: ArraySlice<UInt8>, _ body: (ArraySlice<UInt8>) -> Bool) {
        var index = message.startIndex
        let end = message.endIndex
        while index < end {
            let byte = message[index]
            if PatternCursor.isSpace(byte) {
                index += 1
                continue
            }
            let closing: UInt8? =
                byte == UInt8(ascii: "\"") ? UInt8(ascii: "\"") : byte == UInt8(ascii: "[") ? UInt8(ascii: "]") : nil
            if let closing, let close = message[(index + 1)...].firstIndex(of: closing) {
                guard body(message[(index + 1)..<close]) else { return }
                index = close + 1
                continue
            }
            let start = index
            while index < end, !PatternCursor.isSpace(message[index]) { index += 1 }
            guard body(message[start..<index]) else { return }
        }
    }

    /// Without `...`: checks each field against its column as the event is read, with no allocation,
    /// stopping at the first field that fails.
    func matchesInPlace(_ message: ArraySlice<UInt8>) -> Bool {
        var column = 0
        var failed = false
        Self.forEachField(of: message) { field in
            guard column < columns.count else {
                failed = true
                return false
            }
            if case .field(_, let alternatives) = columns[column], !Self.holds(alternatives, .word(field)) {
                failed = true
                return false
            }
            column += 1
            return true
        }
        return !failed && column == columns.count
    }

    /// Without `...`: the field under the named column of a matching event.
    func field(named name: String, in message: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        guard !name.isEmpty,
            let column = columns.firstIndex(where: { if case .field(name, _) = $0 { true } else { false } })
        else {
            return nil
        }
        var position = 0
        var found: ArraySlice<UInt8>?
        Self.forEachField(of: message) { field in
            if position == column {
                found = field
                return false
            }
            position += 1
            return true
        }
        return found
    }
}
