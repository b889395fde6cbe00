import Foundation

/// A CloudWatch Logs data protection policy document, validated as AWS documents it: `Name`, `Description`,
/// `Version` (`2021-06-01`), optional custom identifiers, and exactly two statements — an Audit statement (with a
/// `FindingsDestination` object) and a Deidentify statement (with an empty `MaskConfig`) — naming the same data
/// identifiers. Keys match without regard to case, as AWS accepts CDK's lower-camel-case documents.
public struct DataProtectionPolicy: Sendable, Equatable {
    public let name: String?
    public let identifiers: [ManagedIdentifier]
    /// The custom identifiers the statements name (declared in `Configuration.CustomDataIdentifier`).
    public let customIdentifiers: [CustomIdentifier]
    /// Where the Audit statement sends findings reports (`FindingsDestination`).
    public let findings: FindingsDestinations

    /// AWS's limit on a document: 30,720 characters.
    public static let maxLength = 30_720
    public static let version = "2021-06-01"

    public struct Invalid: Error, Equatable, CustomStringConvertible {
        public let description: String
    }

    public init(_ document: String) throws(Invalid) {
        guard document.count <= Self.maxLength else {
            throw Invalid(description: "The policy document must be at most \(Self.maxLength) characters.")
        }
        guard let root = try? JSONSerialization.jsonObject(with: Data(document.utf8)) as? [String: Any] else {
            throw Invalid(description: "The policy document is not a JSON object.")
        }
        let top = Self.folded(root)
        if let name = top["name"] {
            guard let text = name as? String, !text.isEmpty,
                text.unicodeScalars.allSatisfy({
                    $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "_")
                })
            else {
                throw Invalid(
                    description: "Policy Name can only include alphanumeric characters, hyphens (-) and underscores (_)"
                )
            }
        }
        name = top["name"] as? String
        if let version = top["version"], version as? String != Self.version {
            throw Invalid(description: "The policy Version must be \(Self.version).")
        }
        var declared: [CustomIdentifier] = []
        if let configuration = top["configuration"] {
            guard let object = configuration as? [String: Any] else {
                throw Invalid(description: "Configuration must be an object.")
            }
            if let list = Self.folded(object)["customdataidentifier"] {
                guard let entries = list as? [[String: Any]] else {
                    throw Invalid(description: "CustomDataIdentifier must be a list of objects.")
                }
                guard entries.count <= CustomIdentifier.maximumCount else {
                    throw Invalid(description: "A policy can have at most 10 custom data identifiers.")
                }
                for entry in entries.map(Self.folded) {
                    guard let name = entry["name"] as? String, let pattern = entry["regex"] as? String else {
                        throw Invalid(description: "Each custom data identifier needs a Name and a Regex.")
                    }
                    guard !declared.contains(where: { $0.name == name }) else {
                        throw Invalid(description: "The custom data identifier \(name) is declared twice.")
                    }
                    declared.append(try CustomIdentifier(name: name, pattern: pattern))
                }
            }
        }
        guard let statements = top["statement"] as? [[String: Any]], statements.count == 2 else {
            throw Invalid(
                description: "The policy must have exactly two statements: an Audit statement, then a Deidentify "
                    + "statement.")
        }
        let audit = Self.folded(statements[0])
        let deidentify = Self.folded(statements[1])
        guard let auditOperation = (audit["operation"] as? [String: Any]).map(Self.folded),
            let auditAction = (auditOperation["audit"] as? [String: Any]).map(Self.folded),
            auditAction["findingsdestination"] is [String: Any]
        else {
            throw Invalid(
                description: "The first statement must have an Operation with an Audit action and its "
                    + "FindingsDestination object.")
        }
        guard let deidentifyOperation = (deidentify["operation"] as? [String: Any]).map(Self.folded),
            let deidentifyAction = (deidentifyOperation["deidentify"] as? [String: Any]).map(Self.folded),
            let maskConfig = deidentifyAction["maskconfig"] as? [String: Any]
        else {
            throw Invalid(
                description: "The second statement must have an Operation with a Deidentify action and its "
                    + "MaskConfig object.")
        }
        guard maskConfig.isEmpty else { throw Invalid(description: "The MaskConfig object must be empty.") }
        findings = try FindingsDestinations(auditAction["findingsdestination"] as? [String: Any] ?? [:])
        guard let audited = audit["dataidentifier"] as? [String], !audited.isEmpty,
            let masked = deidentify["dataidentifier"] as? [String]
        else { throw Invalid(description: "Each statement must have a DataIdentifier list.") }
        guard audited == masked else {
            throw Invalid(description: "The DataIdentifier arrays of the two statements must match exactly.")
        }
        var identifiers: [ManagedIdentifier] = []
        var custom: [CustomIdentifier] = []
        for reference in audited {
            if let declared = declared.first(where: { $0.name == reference }) {
                if !custom.contains(declared) { custom.append(declared) }
                continue
            }
            let name =
                reference.hasPrefix(ManagedIdentifier.arnPrefix)
                ? String(reference.dropFirst(ManagedIdentifier.arnPrefix.count)) : nil
            guard let name, let identifier = ManagedIdentifier(rawValue: name) else {
                throw Invalid(description: "\(reference) is not a valid Data Identifier")
            }
            if !identifiers.contains(identifier) { identifiers.append(identifier) }
        }
        self.identifiers = identifiers
        customIdentifiers = custom
    }

    /// The object with its keys lower-cased.
    static func folded(_ object: [String: Any]) -> [String: Any] {
        Dictionary(object.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { first, _ in first })
    }
}
