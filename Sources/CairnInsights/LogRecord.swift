/// One log event as a query reads it. The message stays bytes (often a slice of the decoded chunk) until a
/// command needs it as text or its fields.
public struct LogRecord: Sendable {
    public var timestamp: Int64
    public var ingestionTime: Int64
    public var messageBytes: ArraySlice<UInt8>
    public var message: String { String(decoding: messageBytes, as: UTF8.self) }
    public var logStream: String
    /// `@log`: `account-id:group-name`.
    public var log: String
    /// Where the event is stored, for `@ptr`: which of the query's groups, the stream and the sequence number.
    public var pointer: RecordPointer
    /// The version the log group's transformer made at ingestion (a JSON object), whose fields a query sees in
    /// place of the message's; `@message` stays the original.
    public var transformedBytes: ArraySlice<UInt8>? = nil
    /// Whether the transformer failed on the event: its fields are then the message's, plus
    /// `@transformationError`.
    public var transformationFailed = false

    /// The original of a message a data protection policy masked, read for a query that asks for `unmask(@message)`.
    public var unmaskedBytes: ArraySlice<UInt8>? = nil

    /// The hidden field `unmask(@message)` compiles to.
    public static let unmaskedMessageField = "@unmask(@message)"

    /// Where the event's fields are discovered.
    var fieldBytes: ArraySlice<UInt8> { transformationFailed ? messageBytes : transformedBytes ?? messageBytes }

    /// `@transformationError`: why the transformer failed on this event (AWS's system field).
    public var transformationError: String? {
        guard transformationFailed, let transformedBytes, let document = JSONValue.parse(Array(transformedBytes)),
            case .string(let text)? = document.member(["@transformationError"])?.scalar
        else { return nil }
        return text
    }

    public init(
        timestamp: Int64, ingestionTime: Int64, messageBytes: ArraySlice<UInt8>, logStream: String, log: String,
        pointer: RecordPointer
    ) {
        self.timestamp = timestamp
        self.ingestionTime = ingestionTime
        self.messageBytes = messageBytes
        self.logStream = logStream
        self.log = log
        self.pointer = pointer
    }

    public init(
        timestamp: Int64, ingestionTime: Int64, message: String, logStream: String, log: String,
        pointer: RecordPointer
    ) {
        self.init(
            timestamp: timestamp, ingestionTime: ingestionTime, messageBytes: Array(message.utf8)[...],
            logStream: logStream, log: log, pointer: pointer)
    }

    /// The same record owning its message bytes: kept rows must not hold whole chunks alive.
    func detached() -> LogRecord {
        var copy = self
        copy.messageBytes = Array(messageBytes)[...]
        copy.transformedBytes = transformedBytes.map { Array($0)[...] }
        copy.unmaskedBytes = unmaskedBytes.map { Array($0)[...] }
        return copy
    }

    /// The fields found in the message: a JSON object's leaves (`a.b`, `list.0`), else `key=value` pairs.
    /// At most `maximumFields` (AWS extracts at most 200 from an event).
    public func discoveredFields() -> [(String, Value)] { discover().fields }

    /// The discovered fields, and the JSON document when the message is one (its objects and arrays are fields
    /// too, for `unnest` and `jsonStringify`).
    func discover() -> (fields: [(String, Value)], document: JSONValue?) {
        var fields: [(String, Value)] = []
        let bytes = fieldBytes
        if let first = bytes.first(where: { $0 != 0x20 && $0 != 0x09 }), first == UInt8(ascii: "{"),
            let json = JSONValue.parse(Array(bytes))
        {
            json.flatten(into: &fields, limit: Self.maximumFields)
            // AWS shows a discovered field whose name starts with `@` with one more `@` (`@@example.com`).
            for index in fields.indices where fields[index].0.hasPrefix("@") { fields[index].0 = "@" + fields[index].0 }
            return (fields, json)
        }
        Self.keyValuePairs(in: bytes, into: &fields)
        return (fields, nil)
    }

    /// Every field of the event, the built-in ones first, as GetLogRecord and field discovery show them.
    public func allFields() -> [(String, Value)] {
        [
            ("@timestamp", .time(timestamp)), ("@message", .string(message)), ("@logStream", .string(logStream)),
            ("@log", .string(log)), ("@ingestionTime", .time(ingestionTime)),
        ] + (transformationError.map { [("@transformationError", .string($0))] } ?? []) + discoveredFields()
    }

    public static let maximumFields = 200

    /// `key=value` and `key="quoted value"` pairs, keys starting with a letter or `_`.
    static func keyValuePairs(in message: ArraySlice<UInt8>, into fields: inout [(String, Value)]) {
        keyValuePairs(in: message, naming: { String(decoding: $0, as: UTF8.self) }, into: &fields)
    }

    /// The pairs whose key `naming` gives a name for (nil: not wanted, its value is skipped unread).
    static func keyValuePairs(
        in bytes: ArraySlice<UInt8>, naming: (ArraySlice<UInt8>) -> String?, into fields: inout [(String, Value)]
    ) {
        var index = bytes.startIndex
        func isKeyByte(_ byte: UInt8) -> Bool {
            (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39)
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-")
        }
        while index < bytes.endIndex, fields.count < maximumFields {
            guard isKeyByte(bytes[index]), index == bytes.startIndex || !isKeyByte(bytes[index - 1]) else {
                index += 1
                continue
            }
            let keyStart = index
            while index < bytes.endIndex, isKeyByte(bytes[index]) { index += 1 }
            let first = bytes[keyStart]
            guard index < bytes.endIndex, bytes[index] == UInt8(ascii: "="),
                (first >= 0x61 && first <= 0x7A) || (first >= 0x41 && first <= 0x5A) || first == UInt8(ascii: "_")
            else { continue }
            let key = naming(bytes[keyStart..<index])
            index += 1
            let value: Range<Int>
            if index < bytes.endIndex, bytes[index] == UInt8(ascii: "\"") {
                let start = index + 1
                index = start
                while index < bytes.endIndex, bytes[index] != UInt8(ascii: "\"") { index += 1 }
                value = start..<index
                index += 1
            } else {
                let start = index
                while index < bytes.endIndex, ![0x20, 0x09, 0x2C, 0x3B].contains(bytes[index]) { index += 1 }
                value = start..<index
            }
            if let key, !fields.contains(where: { $0.0 == key }) {
                fields.append((key, .string(String(decoding: bytes[value], as: UTF8.self))))
            }
        }
    }
}

/// Where an event is stored: the index of its group among the query's groups, its stream, timestamp and sequence
/// number. The engine turns it into the opaque `@ptr` that GetLogRecord reads back.
public struct RecordPointer: Sendable, Hashable {
    public var source: Int
    public var stream: Int64
    public var timestamp: Int64
    public var sequence: Int64

    public init(source: Int, stream: Int64, timestamp: Int64, sequence: Int64) {
        self.source = source
        self.stream = stream
        self.timestamp = timestamp
        self.sequence = sequence
    }
}

/// A row moving through a query's commands: the event it came from (until `stats` replaces events with groups)
/// and the fields commands have set. Fields the event carries are found on first use. A class, so that a row
/// passes through the stages without being copied; `unnest` and `sort` take copies.
final class Row {
    var values: [String: Value] = [:]
    var record: LogRecord?
    private var messageText: String?
    private var discovered: [String: Value]?
    private var document: JSONValue?
    /// With `needs`: the wanted fields, once extracted.
    private var found = FoundFields()
    private var extracted = false

    /// What discovery extracts: only these fields (nil: every field).
    private var needs: FieldNeeds?

    init(record: LogRecord?, needs: FieldNeeds? = nil) {
        self.record = record
        self.needs = needs
    }

    /// The bytes of `@message` while no command has replaced it: searched without making text of them.
    func rawBytes(_ name: String) -> ArraySlice<UInt8>? {
        guard name == "@message", values[name] == nil else { return nil }
        return record?.messageBytes
    }

    /// A copy of the row, owning everything it holds (see `LogRecord.detached`).
    func detached() -> Row {
        let copy = self.copy()
        copy.record = record?.detached()
        return copy
    }

    /// A copy of the row that changes apart from it.
    func copy() -> Row {
        let copy = Row(record: record, needs: needs)
        copy.values = values
        copy.messageText = messageText
        copy.discovered = discovered
        copy.document = document
        copy.found = found
        copy.extracted = extracted
        return copy
    }

    /// The row made ready for another event (for a plan whose rows never outlive their event: see
    /// `QueryExecution.add`), keeping the storage it has grown.
    func reset(to record: LogRecord) {
        self.record = record
        if !values.isEmpty { values.removeAll(keepingCapacity: true) }
        messageText = nil
        discovered = nil
        document = nil
        found.removeAll()
        extracted = false
    }

    init(values: [String: Value]) { self.values = values }

    func value(_ name: String) -> Value {
        if !values.isEmpty, let value = values[name] { return value }
        // The record's fields are read in place: binding the record would copy it (and retain its text) per call.
        guard record != nil else { return member(name) }
        if name.utf8.first == UInt8(ascii: "@") {
            switch name {
            case "@timestamp": return .time(record!.timestamp)
            case "@message":
                if let messageText { return .string(messageText) }
                let text = record!.message
                messageText = text
                return .string(text)
            case "@logStream": return .string(record!.logStream)
            case "@log": return .string(record!.log)
            case "@ingestionTime": return .time(record!.ingestionTime)
            case "@transformationError": return record!.transformationError.map { .string($0) } ?? .null
            case LogRecord.unmaskedMessageField:
                return .string(record!.unmaskedBytes.map { String(decoding: $0, as: UTF8.self) } ?? record!.message)
            default: break
            }
        }
        if let needs {
            if !extracted {
                needs.extract(record!.fieldBytes, into: &found)
                extracted = true
            }
            return found[name] ?? member(name)
        }
        if discovered == nil {
            var fields: [String: Value] = [:]
            let (all, json) = record!.discover()
            for (key, value) in all where fields[key] == nil { fields[key] = value }
            discovered = fields
            document = json
        }
        if let value = discovered?[name] { return value }
        if let document, let value = document.member(name.split(separator: ".", omittingEmptySubsequences: false)[...])
        {
            return value.scalar
        }
        return member(name)
    }

    /// `parsed.user.name` where `parsed` holds what `jsonParse` gave (or an object field the event has).
    private func member(_ name: String) -> Value {
        guard name.utf8.contains(UInt8(ascii: ".")) else { return .null }
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        for count in stride(from: parts.count - 1, through: 1, by: -1) {
            let prefix = parts[..<count].joined(separator: ".")
            if case .json(let json)? = values[prefix] ?? discovered?[prefix] ?? found[prefix] {
                return json.member(parts[count...])?.scalar ?? .null
            }
        }
        return .null
    }
}
