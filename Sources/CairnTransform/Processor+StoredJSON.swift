/// The stored form GetTransformer returns: members in model order, absent optional strings left out,
/// documented boolean defaults (`overwriteIfExists`, `flatten`: false) filled in.
protocol StoredJSONRepresentable {
    var storedValue: JSONValue { get }
}

extension JSONObject {
    /// Appends `key` when `value` is present.
    mutating func append(_ key: String, _ value: String?) {
        if let value { self[key] = .string(value) }
    }

    mutating func append(_ key: String, _ value: Bool) {
        self[key] = .bool(value)
    }

    mutating func append(_ key: String, _ list: [String]?) {
        if let list { self[key] = .array(list.map { .string($0) }) }
    }

    mutating func append(_ key: String, _ list: [some StoredJSONRepresentable]?) {
        if let list { self[key] = .array(list.map(\.storedValue)) }
    }
}

extension Processor: StoredJSONRepresentable {
    var storedValue: JSONValue {
        var object = JSONObject()
        let members: [(String, (any StoredJSONRepresentable)?)] = [
            ("addKeys", addKeys), ("copyValue", copyValue), ("csv", csv), ("dateTimeConverter", dateTimeConverter),
            ("deleteKeys", deleteKeys), ("grok", grok), ("listToMap", listToMap),
            ("lowerCaseString", lowerCaseString), ("moveKeys", moveKeys), ("parseCloudfront", parseCloudfront),
            ("parseJSON", parseJSON), ("parseKeyValue", parseKeyValue), ("parseRoute53", parseRoute53),
            ("parseToOCSF", parseToOCSF), ("parsePostgres", parsePostgres), ("parseVPC", parseVPC),
            ("parseWAF", parseWAF), ("renameKeys", renameKeys), ("splitString", splitString),
            ("substituteString", substituteString), ("trimString", trimString), ("typeConverter", typeConverter),
            ("upperCaseString", upperCaseString),
        ]
        for case (let name, let member?) in members {
            object[name] = member.storedValue
        }
        return .object(object)
    }
}

extension Processor.ParseJSON: StoredJSONRepresentable {
    var storedValue: JSONValue {
        var object = JSONObject()
        object.append("source", source)
        object.append("destination", destination)
        return .object(object)
    }
}

extension Processor.Grok: StoredJSONRepresentable {
    var storedValue: JSONValue {
        var object = JSONObject()
        object.append("source", source)
        object.append("match", match)
        return .object(object)
    }
}

extension Processor.CSV: StoredJSONRepresentable {
    var storedValue: JSONValue {
        var object = JSONObject()
        object.append("quoteCharacter", quoteCharacter)
        object.append("delimiter", delimiter)
        object.append("columns", columns)
        object.append("source", source)
        object.append("destination", destination)
        return .object(object)
    }
}

extension Processor.ParseKeyValue: StoredJSONRepresentable {
    var storedValue: JSONValue {
        var object = JSONObject()
        object.append("source", source)
        object.append("destination", destination)
        object.append("fieldDelimiter", fieldDelimiter)
        object.append("keyValueDelimiter", keyValueDelimiter)
        object.append("keyPrefix", keyPrefix)
        object.append("nonMatchValue", nonMatchValue)
        object.append("overwriteIfExists", overwriteIfExists ?? false)
        return .object(object)
    }
}

extension Processor.ParseToOCSF: StoredJSONRepresentable {
    var storedValue: JSONValue {
        var object = JSONObject()
        object.append("source", source)
        object.append("eventSource", eventSource)
        object.append("ocsfVersion", ocsfVersion)
        object.append("mappingVersion", mappingVersion)
        return .object(object)
    }
}

extension Processor.VendedParser: StoredJSONRepresentable {
    var storedValue: JSONValue {
        var object = JSONObject()
        object.append("source", source)
        return .object(object)
    }
}

extension Processor.AddKeys: StoredJSONRepresentable {
    var storedValue: JSONValue {
        var object = JSONObject()
        object.append("entries", entries)
        return .object(object)
    }
}

extension Processor.AddKeys.Entry: StoredJSONRepresentable {
    var storedValue: JSONValue {
        var object = JSONObject()
        object.append("key", key)
        object.append("value", value)
        object.append("overwriteIfExists", overwriteIfExists ?? false)
        return .object(object)
    }
}

extension Processor.DeleteKeys: StoredJSONRepresentable {
    var storedValue: JSONValue {
        var object = JSONObject()
        object.append("withKeys", withKeys)
        return .object(object)
    }
}

extension Processor.SourceTargetEntry: StoredJSONRepresentable {
    var storedValue: JSONValue {
        var object = JSONObject()
        object.append("source", source)
        object.append("target", target)
        object.append("overwriteIfExists", overwriteIfExists ?? false)
        return .object(object)
    }
}

extension Processor.MoveKeys: StoredJSONRepresentable {
    var storedValue: JSONValue {
        var object = JSONObject()
        object.append("entries", entries)
        return .object(object)
    }
}

extension Processor.CopyValue: StoredJSONRepresentable {
    var storedValue: JSONValue {
        var object = JSONObject()
        object.append("entries", entries)
        return .object(object)
    }
}

extension Processor.RenameKeys: StoredJSONRepresentable {
    var storedValue: JSONValue {
        var object = JSONObject()
        object.append("entries", entries)
        return .object(object)
    }
}

extension Processor.RenameKeys.Entry: StoredJSONRepresentable {
    var storedValue: JSONValue {
        var object = JSONObject()
        object.append("key", key)
        object.append("renameTo", renameTo)
        object.append("overwriteIfExists", overwriteIfExists ?? false)
        return .object(object)
    }
}

extension Processor.ListToMap: StoredJSONRepresentable {
    var storedValue: JSONValue {
        var object = JSONObject()
        object.append("source", source)
        object.append("key", key)
        object.append("valueKey", valueKey)
        object.append("target", target)
        object.append("flatten", flatten ?? false)
        object.append("flattenedElement", flattenedElement)
        return .object(object)
    }
}
