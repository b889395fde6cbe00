/// parseJSON: parses the source text as a JSON object and adds its keys at the root or under
/// `destination`. Parsed keys replace existing ones.
struct ParseJSONStep: EventStep {
    let source: FieldPath
    let destination: FieldPath?

    init(_ member: Processor.ParseJSON) {
        source = FieldPath(member.source ?? FieldPath.messageKey)
        destination = member.destination.fieldPath
    }

    func apply(to event: inout JSONObject, input: EventInput) throws(ProcessorFailure) {
        let text = try sourceText(source, in: event, input: input)
        let object = try Self.parseObject(text)
        guard event.merge(object, under: destination, overwrite: true) else {
            throw ProcessorFailure("destination '\(destination?.description ?? "")' is not an object")
        }
    }

    /// Parses `text` as a JSON object; anything else fails the processor.
    static func parseObject(_ text: String) throws(ProcessorFailure) -> JSONObject {
        let value: JSONValue
        do {
            value = try JSONParser.parse(text)
        } catch {
            throw ProcessorFailure("invalid JSON: \(error.reason) at offset \(error.offset)")
        }
        guard let object = value.objectValue else { throw ProcessorFailure("the JSON value is not an object") }
        return object
    }
}

/// parseWAF: parses an AWS WAF log (JSON) and turns `httpRequest.headers` (`[{name, value}]`) into a
/// `{name: value}` object and `labels` (`[{name: …}]`) into one object. Following the user guide's
/// example, `httpRequest` and `labels` come first, then the other keys in their original order.
struct ParseWAFStep: EventStep {
    func apply(to event: inout JSONObject, input: EventInput) throws(ProcessorFailure) {
        let log = try ParseJSONStep.parseObject(input.message)
        var result = JSONObject()
        if var request = log["httpRequest"]?.objectValue {
            if case .array(let headers)? = request["headers"] {
                request["headers"] = .object(Self.headerMap(headers))
            }
            result["httpRequest"] = .object(request)
        } else if let request = log["httpRequest"] {
            result["httpRequest"] = request
        }
        if case .array(let labels)? = log["labels"] {
            result["labels"] = .object(Self.mergedObjects(labels))
        } else if let labels = log["labels"] {
            result["labels"] = labels
        }
        for (key, value) in log.entries where result[key] == nil { result[key] = value }
        event.merge(result, under: nil, overwrite: true)
    }

    /// `[{"name":"Host","value":"x"}]` → `{"Host":"x"}`; elements without a string name are dropped.
    private static func headerMap(_ headers: [JSONValue]) -> JSONObject {
        var map = JSONObject()
        for header in headers {
            guard let object = header.objectValue, let name = object["name"]?.stringValue else { continue }
            map[name] = object["value"] ?? .null
        }
        return map
    }

    /// `[{"name":"a"},{"x":"y"}]` → `{"name":"a","x":"y"}` (later elements win).
    private static func mergedObjects(_ elements: [JSONValue]) -> JSONObject {
        var merged = JSONObject()
        for case .object(let object) in elements {
            merged.merge(object, under: nil, overwrite: true)
        }
        return merged
    }
}
