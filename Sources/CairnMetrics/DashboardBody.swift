import CairnProtocol

/// A dashboard body checked as AWS documents it ("Dashboard Body Structure and Syntax"): a JSON object whose
/// `widgets` each have a `type` Cairn can render (`metric`, `text`, `log`, `alarm`), a position and size on the
/// 24-column grid, and the `properties` their type needs. Problems come back as AWS's validation messages, each
/// with the JSON path (`/widgets/0/properties`) it is about.
struct DashboardBody {
    struct Message: Equatable, Sendable {
        let dataPath: String
        let message: String
    }

    static let widgetTypes = ["metric", "text", "log", "alarm", "explorer", "custom"]
    static let maximumWidgets = 500
    static let columns = 24
    static let maximumHeight = 1000

    /// The problems of `text` as a dashboard body; empty when it is valid.
    static func validate(_ text: String) -> [Message] {
        guard case .map(let body)? = try? Document.fromJSON(Array(text.utf8)) else {
            return [Message(dataPath: "", message: "The field DashboardBody must be a valid JSON object")]
        }
        var messages: [Message] = []
        guard let widgets = body["widgets"] else {
            return [Message(dataPath: "", message: "Should have required property 'widgets'")]
        }
        guard case .list(let items) = widgets else {
            return [Message(dataPath: "/widgets", message: "Should be array")]
        }
        if items.count > maximumWidgets {
            messages.append(
                Message(dataPath: "/widgets", message: "Should NOT have more than \(maximumWidgets) items"))
        }
        for (index, widget) in items.enumerated() {
            messages += validate(widget: widget, at: "/widgets/\(index)")
        }
        for name in ["start", "end"] where body[name] != nil && body[name]?.string == nil {
            messages.append(Message(dataPath: "/\(name)", message: "Should be string"))
        }
        if let override = body["periodOverride"], !["auto", "inherit"].contains(override.string ?? "") {
            messages.append(
                Message(dataPath: "/periodOverride", message: "Should be equal to one of the allowed values"))
        }
        return messages
    }

    private static func validate(widget: Document, at path: String) -> [Message] {
        guard case .map(let members) = widget else { return [Message(dataPath: path, message: "Should be object")] }
        var messages: [Message] = []
        guard let type = members["type"] else {
            return [Message(dataPath: path, message: "Should have required property 'type'")]
        }
        guard let typeName = type.string, widgetTypes.contains(typeName) else {
            return [Message(dataPath: path + "/type", message: "Should be equal to one of the allowed values")]
        }
        for (name, range) in [
            ("x", 0...(columns - 1)), ("y", 0...Int(Int32.max)), ("width", 1...columns),
            ("height", 1...maximumHeight),
        ] {
            guard let value = members[name] else { continue }
            guard let number = value.integer else {
                messages.append(Message(dataPath: "\(path)/\(name)", message: "Should be integer"))
                continue
            }
            if number < range.lowerBound {
                messages.append(
                    Message(dataPath: "\(path)/\(name)", message: "Should be >= \(range.lowerBound)"))
            } else if number > range.upperBound {
                messages.append(
                    Message(dataPath: "\(path)/\(name)", message: "Should be <= \(range.upperBound)"))
            }
        }
        guard let properties = members["properties"] else {
            return messages + [Message(dataPath: path, message: "Should have required property 'properties'")]
        }
        guard case .map(let fields) = properties else {
            return messages + [Message(dataPath: path + "/properties", message: "Should be object")]
        }
        let propertiesPath = path + "/properties"
        switch typeName {
        case "metric":
            if fields["metrics"] == nil, fields["expression"] == nil {
                messages.append(
                    Message(dataPath: propertiesPath, message: "Should have required property 'metrics'"))
            }
            if let metrics = fields["metrics"] {
                messages += validate(metrics: metrics, at: propertiesPath + "/metrics")
            }
            if let view = fields["view"],
                !["timeSeries", "singleValue", "gauge", "bar", "pie", "table"].contains(view.string ?? "")
            {
                messages.append(
                    Message(
                        dataPath: propertiesPath + "/view", message: "Should be equal to one of the allowed values"))
            }
        case "text":
            messages += requiredString("markdown", in: fields, at: propertiesPath)
        case "log":
            messages += requiredString("query", in: fields, at: propertiesPath)
        case "alarm":
            guard case .list(let alarms)? = fields["alarms"] else {
                messages.append(
                    Message(dataPath: propertiesPath, message: "Should have required property 'alarms'"))
                break
            }
            if alarms.isEmpty {
                messages.append(
                    Message(dataPath: propertiesPath + "/alarms", message: "Should NOT have less than 1 items"))
            } else if alarms.count > 100 {
                messages.append(
                    Message(dataPath: propertiesPath + "/alarms", message: "Should NOT have more than 100 items"))
            }
            for (index, alarm) in alarms.enumerated() where alarm.string?.hasPrefix("arn:aws:cloudwatch:") != true {
                messages.append(
                    Message(dataPath: "\(propertiesPath)/alarms/\(index)", message: "Should be an alarm ARN"))
            }
        default:
            break
        }
        return messages
    }

    /// A property that must be there and be a string.
    private static func requiredString(_ name: String, in fields: [String: Document], at path: String) -> [Message] {
        switch fields[name] {
        case .string?: []
        case nil: [Message(dataPath: path, message: "Should have required property '\(name)'")]
        case _?: [Message(dataPath: path, message: "Should be string")]
        }
    }

    /// `metrics`: an array of arrays of strings (namespace, name, dimension pairs) and an optional trailing
    /// object of rendering options (`stat`, `period`, `label`, `expression`, `id`, …).
    private static func validate(metrics: Document, at path: String) -> [Message] {
        guard case .list(let rows) = metrics else { return [Message(dataPath: path, message: "Should be array")] }
        var messages: [Message] = []
        if rows.count > 500 {
            messages.append(Message(dataPath: path, message: "Should NOT have more than 500 items"))
        }
        for (index, row) in rows.enumerated() {
            guard case .list(let items) = row else {
                messages.append(Message(dataPath: "\(path)/\(index)", message: "Should be array"))
                continue
            }
            for (position, item) in items.enumerated() {
                switch item {
                case .string: continue
                case .map where position == items.count - 1: continue
                default:
                    messages.append(
                        Message(
                            dataPath: "\(path)/\(index)/\(position)",
                            message: #"Invalid metric field type, only "String" type is allowed"#))
                }
            }
        }
        return messages
    }
}
