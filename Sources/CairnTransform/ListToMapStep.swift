/// listToMap: turns the list of objects at `source` into a map keyed by each object's `key` field. The
/// map's values are the objects' `valueKey` fields (the whole object without `valueKey`), collected into
/// arrays, or with `flatten` only the first or last one. The map's keys go under `target` or at the root;
/// the source list stays. A missing source or one that is not a list fails the processor.
struct ListToMapStep: EventStep {
    let source: FieldPath
    let key: String
    let valueKey: String?
    let target: FieldPath?
    let flattenedElement: FlattenedElement?

    enum FlattenedElement {
        case first, last
    }

    init(_ member: Processor.ListToMap) {
        source = FieldPath(member.source ?? "")
        key = member.key ?? ""
        valueKey = member.valueKey
        target = member.target.fieldPath
        if member.flatten == true {
            flattenedElement = member.flattenedElement == "last" ? .last : .first
        } else {
            flattenedElement = nil
        }
    }

    func apply(to event: inout JSONObject, input: EventInput) throws(ProcessorFailure) {
        guard let value = sourceValue(source, in: event, input: input) else {
            throw ProcessorFailure("source field '\(source)' does not exist")
        }
        guard case .array(let elements) = value else {
            throw ProcessorFailure("source field '\(source)' is not a list")
        }
        // Collected by hashing, then laid out in the order keys first appeared (JSONObject's lookups are linear,
        // and a list of thousands would make them quadratic).
        var order: [String] = []
        var values: [String: [JSONValue]] = [:]
        for case .object(let element) in elements {
            guard let name = element[key].flatMap(Self.mapKey) else { continue }
            let mapped: JSONValue
            if let valueKey {
                guard let value = element[valueKey] else { continue }
                mapped = value
            } else {
                mapped = .object(element)
            }
            if values[name] == nil { order.append(name) }
            switch flattenedElement {
            case .first: if values[name] == nil { values[name] = [mapped] }
            case .last: values[name] = [mapped]
            case nil: values[name, default: []].append(mapped)
            }
        }
        var map = JSONObject()
        for name in order {
            let collected = values[name] ?? []
            map[name] = flattenedElement == nil ? .array(collected) : collected.first
        }
        guard event.merge(map, under: target, overwrite: true) else {
            throw ProcessorFailure("target '\(target?.description ?? "")' is not an object")
        }
    }

    /// Map keys come from string, number or boolean fields.
    private static func mapKey(_ value: JSONValue) -> String? {
        switch value {
        case .string(let text): text
        case .integer, .double, .bool: JSONSerializer.string(value)
        case .null, .array, .object: nil
        }
    }
}
