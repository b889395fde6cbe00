// The JSON mutators. A key that does not exist is skipped without failing the event (the user guide
// does not say otherwise; OpenSearch Ingestion's processors of the same names behave this way).

/// addKeys: stores string values, creating parent objects; existing keys are kept unless
/// `overwriteIfExists`.
struct AddKeysStep: EventStep {
    let entries: [(key: FieldPath, value: String, overwrite: Bool)]

    init(_ member: Processor.AddKeys) {
        entries = (member.entries ?? []).map {
            (FieldPath($0.key ?? ""), $0.value ?? "", $0.overwriteIfExists ?? false)
        }
    }

    func apply(to event: inout JSONObject, input: EventInput) throws(ProcessorFailure) {
        for entry in entries {
            event.setValue(.string(entry.value), at: entry.key, overwrite: entry.overwrite)
        }
    }
}

/// deleteKeys: removes keys; an emptied parent stays as `{}`.
struct DeleteKeysStep: EventStep {
    let keys: [FieldPath]

    init(_ member: Processor.DeleteKeys) {
        keys = (member.withKeys ?? []).map(FieldPath.init)
    }

    func apply(to event: inout JSONObject, input: EventInput) throws(ProcessorFailure) {
        for key in keys { event.removeValue(at: key) }
    }
}

/// A source/target entry of moveKeys or copyValue, compiled.
struct SourceTarget: Sendable {
    let source: FieldPath
    let target: FieldPath
    let overwrite: Bool

    init(_ entry: Processor.SourceTargetEntry) {
        source = FieldPath(entry.source ?? "")
        target = FieldPath(entry.target ?? "")
        overwrite = entry.overwriteIfExists ?? false
    }
}

/// moveKeys: when `target` is an existing object the value moves *into* it under its own key name (the
/// user guide's example); otherwise it moves to the `target` path. Moved keys are appended at the end of
/// their new parent. An existing destination is replaced only with `overwriteIfExists`; when nothing is
/// moved the source stays.
struct MoveKeysStep: EventStep {
    let entries: [SourceTarget]

    init(_ member: Processor.MoveKeys) {
        entries = (member.entries ?? []).map(SourceTarget.init)
    }

    func apply(to event: inout JSONObject, input: EventInput) throws(ProcessorFailure) {
        for entry in entries {
            guard let value = event.value(at: entry.source) else { continue }
            var destination = entry.target
            if event.value(at: entry.target)?.objectValue != nil {
                destination = FieldPath(entry.target.description + "." + entry.source.leaf)
            }
            guard destination != entry.source else { continue }
            if event.value(at: destination) != nil && !entry.overwrite { continue }
            event.removeValue(at: entry.source)
            event.removeValue(at: destination)
            if !event.setValue(value, at: destination, overwrite: true) {
                event.setValue(value, at: entry.source, overwrite: true)
            }
        }
    }
}

/// copyValue: copies a field, the raw message (`@message`) or event metadata (`@logGroupName`,
/// `@logGroupStream`, `@accountId`, `@regionName`) to `target`.
struct CopyValueStep: EventStep {
    let entries: [SourceTarget]

    init(_ member: Processor.CopyValue) {
        entries = (member.entries ?? []).map(SourceTarget.init)
    }

    func apply(to event: inout JSONObject, input: EventInput) throws(ProcessorFailure) {
        for entry in entries {
            let context = input.context
            let value: JSONValue?
            switch entry.source.description {
            case "@logGroupName": value = .string(context.logGroupName)
            case "@logGroupStream": value = .string(context.logStreamName)
            case "@accountId": value = .string(context.accountID)
            case "@regionName": value = .string(context.region)
            default: value = sourceValue(entry.source, in: event, input: input)
            }
            guard let value else { continue }
            event.setValue(value, at: entry.target, overwrite: entry.overwrite)
        }
    }
}

/// renameKeys: renames `key` to `renameTo` in the same parent object (the renamed key is appended at the
/// end of the parent); an existing `renameTo` key is replaced only with `overwriteIfExists`.
struct RenameKeysStep: EventStep {
    let entries: [(key: FieldPath, renamed: FieldPath, overwrite: Bool)]

    init(_ member: Processor.RenameKeys) {
        entries = (member.entries ?? []).map { entry in
            let key = FieldPath(entry.key ?? "")
            let parent = key.segments.dropLast().joined(separator: ".")
            let name = entry.renameTo ?? ""
            return (key, FieldPath(parent.isEmpty ? name : parent + "." + name), entry.overwriteIfExists ?? false)
        }
    }

    func apply(to event: inout JSONObject, input: EventInput) throws(ProcessorFailure) {
        for entry in entries where entry.key != entry.renamed {
            guard let value = event.value(at: entry.key) else { continue }
            if event.value(at: entry.renamed) != nil && !entry.overwrite { continue }
            event.removeValue(at: entry.key)
            event.removeValue(at: entry.renamed)
            event.setValue(value, at: entry.renamed, overwrite: true)
        }
    }
}
