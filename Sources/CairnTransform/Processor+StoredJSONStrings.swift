extension Processor.WithKeys: StoredJSONRepresentable {
    var storedValue: JSONValue {
        var object = JSONObject()
        object.append("withKeys", withKeys)
        return .object(object)
    }
}

extension Processor.SplitString: StoredJSONRepresentable {
    var storedValue: JSONValue {
        var object = JSONObject()
        object.append("entries", entries)
        return .object(object)
    }
}

extension Processor.SplitString.Entry: StoredJSONRepresentable {
    var storedValue: JSONValue {
        var object = JSONObject()
        object.append("source", source)
        object.append("delimiter", delimiter)
        return .object(object)
    }
}

extension Processor.SubstituteString: StoredJSONRepresentable {
    var storedValue: JSONValue {
        var object = JSONObject()
        object.append("entries", entries)
        return .object(object)
    }
}

extension Processor.SubstituteString.Entry: StoredJSONRepresentable {
    var storedValue: JSONValue {
        var object = JSONObject()
        object.append("source", source)
        object.append("from", from)
        object.append("to", to)
        return .object(object)
    }
}

extension Processor.TypeConverter: StoredJSONRepresentable {
    var storedValue: JSONValue {
        var object = JSONObject()
        object.append("entries", entries)
        return .object(object)
    }
}

extension Processor.TypeConverter.Entry: StoredJSONRepresentable {
    var storedValue: JSONValue {
        var object = JSONObject()
        object.append("key", key)
        object.append("type", type)
        return .object(object)
    }
}

extension Processor.DateTimeConverter: StoredJSONRepresentable {
    var storedValue: JSONValue {
        var object = JSONObject()
        object.append("source", source)
        object.append("target", target)
        object.append("targetFormat", targetFormat)
        object.append("matchPatterns", matchPatterns)
        object.append("sourceTimezone", sourceTimezone)
        object.append("targetTimezone", targetTimezone)
        object.append("locale", locale)
        return .object(object)
    }
}
