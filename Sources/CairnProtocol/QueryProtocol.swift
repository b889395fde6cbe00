import Foundation

/// The AWS query protocol, as botocore speaks it to SNS and older SDKs (and Grafana) to CloudWatch: an
/// `application/x-www-form-urlencoded` body with `Action`, `Version` and the input flattened into dotted names
/// (`Dimensions.member.1.Name=…`, `Attributes.entry.1.key=…`); XML out.
public enum QueryProtocol {
    /// The most parameters one request may carry, and the deepest name (in dotted parts).
    static let maxParameters = 20_000
    static let maxNameParts = 32
    static let maxListIndex = 100_000

    /// The form's name–value pairs, in order.
    public static func pairs(_ body: [UInt8]) throws(AWSError) -> [(name: String, value: String)] {
        var pairs: [(name: String, value: String)] = []
        for field in body.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            guard pairs.count < maxParameters else {
                throw AWSError("MalformedQueryString", "The request has more than \(maxParameters) parameters.")
            }
            let parts = field.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            pairs.append((try decode(parts[0]), parts.count > 1 ? try decode(parts[1]) : ""))
        }
        return pairs
    }

    /// The value of `name` in the form (`Action`, `Version`), if present.
    public static func parameter(_ name: String, in pairs: [(name: String, value: String)]) -> String? {
        pairs.first { $0.name == name }?.value
    }

    /// The operation's input: every pair but `Action` and `Version`, as a document whose scalars are `.text`.
    public static func document(_ pairs: [(name: String, value: String)]) throws(AWSError) -> Document {
        let root = Node()
        for (name, value) in pairs where name != "Action" && name != "Version" {
            let parts = name.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count <= maxNameParts, !parts.contains(where: \.isEmpty) else {
                throw AWSError("MalformedQueryString", "The parameter name \(name) is not valid.")
            }
            var node = root
            for part in parts { node = node.child(String(part)) }
            guard node.value == nil, node.children.isEmpty else {
                throw AWSError("MalformedQueryString", "The parameter \(name) is given more than once.")
            }
            node.value = value
        }
        return try root.document(name: "")
    }

    /// The operation's result element: `<NameResult>…</NameResult>`.
    public static func result(_ operation: String, _ output: Document) -> [UInt8] {
        var xml = "<\(operation)Result>"
        write(output, into: &xml)
        xml += "</\(operation)Result>"
        return Array(xml.utf8)
    }

    /// The whole response: the result (if the operation has one) and the request id.
    public static func response(_ operation: String, namespace: String, result: [UInt8], requestID: String) -> [UInt8] {
        Array("<\(operation)Response xmlns=\"\(namespace)\">".utf8) + result
            + Array(
                "<ResponseMetadata><RequestId>\(escape(requestID))</RequestId></ResponseMetadata></\(operation)Response>"
                    .utf8)
    }

    /// AWS's query error body.
    public static func errorResponse(
        code: String, message: String, sender: Bool, namespace: String, requestID: String
    )
        -> [UInt8]
    {
        Array(
            ("<ErrorResponse xmlns=\"\(namespace)\"><Error><Type>\(sender ? "Sender" : "Receiver")</Type>"
                + "<Code>\(escape(code))</Code><Message>\(escape(message))</Message></Error>"
                + "<RequestId>\(escape(requestID))</RequestId></ErrorResponse>").utf8)
    }

    /// Writes a value's content. A map is a structure (one element per member, nulls left out); a list is
    /// `<member>` elements, except a list of `{key, value}` maps, which is a map (`<entry><key/><value/></entry>`).
    static func write(_ value: Document, into xml: inout String) {
        switch value {
        case .null: break
        case .boolean(let flag): xml += flag ? "true" : "false"
        case .integer(let number): xml += String(number)
        case .double(let number):
            xml += number.isFinite ? "\(number)" : (number.isNaN ? "NaN" : number > 0 ? "Infinity" : "-Infinity")
        case .timestamp(let seconds): xml += ISO8601Timestamp.format(seconds)
        case .string(let text), .text(let text): xml += escape(text)
        case .bytes(let bytes): xml += Data(bytes).base64EncodedString()
        case .list(let items):
            let isMap = items.allSatisfy { item in
                if case .map(let members) = item { Set(members.keys) == ["key", "value"] } else { false }
            }
            for item in items {
                xml += isMap ? "<entry>" : "<member>"
                write(item, into: &xml)
                xml += isMap ? "</entry>" : "</member>"
            }
        case .map(let members):
            for key in members.keys.sorted() {
                guard let member = members[key], member != .null else { continue }
                xml += "<\(key)>"
                write(member, into: &xml)
                xml += "</\(key)>"
            }
        }
    }

    /// Text as XML character data: markup characters and control characters as references.
    public static func escape(_ text: String) -> String {
        var output = ""
        output.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": output += "&amp;"
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "\"": output += "&quot;"
            case "'": output += "&apos;"
            case _ where scalar.value < 0x20: output += "&#x\(String(scalar.value, radix: 16, uppercase: true));"
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output
    }

    /// Percent-decoding with `+` as a space; the result must be UTF-8.
    static func decode(_ bytes: ArraySlice<UInt8>) throws(AWSError) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "+") {
                output.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%") {
                guard index + 2 < bytes.endIndex, let high = hexValue(bytes[index + 1]),
                    let low = hexValue(bytes[index + 2])
                else { throw AWSError("MalformedQueryString", "The request contains an invalid percent-encoding.") }
                output.append(high << 4 | low)
                index += 2
            } else {
                output.append(byte)
            }
            index += 1
        }
        guard let text = String(validating: output, as: UTF8.self) else {
            throw AWSError("MalformedQueryString", "The request is not valid UTF-8.")
        }
        return text
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// One dotted name part while the form is read.
    private final class Node {
        var value: String?
        var children: [String: Node] = [:]

        func child(_ name: String) -> Node {
            if let existing = children[name] { return existing }
            let node = Node()
            children[name] = node
            return node
        }

        /// `X.member.N` and `X.entry.N` are lists ordered by N; other parts are structure members.
        func document(name: String) throws(AWSError) -> Document {
            if let value {
                guard children.isEmpty else {
                    throw AWSError("MalformedQueryString", "The parameter \(name) is both a value and a structure.")
                }
                return .text(value)
            }
            if children.count == 1, let (marker, items) = children.first, marker == "member" || marker == "entry",
                items.value == nil, !items.children.isEmpty
            {
                var indexed: [(Int, Node)] = []
                for (key, item) in items.children {
                    guard let index = Int(key), (1...QueryProtocol.maxListIndex).contains(index) else {
                        throw AWSError("MalformedQueryString", "The list index \(name).\(marker).\(key) is not valid.")
                    }
                    indexed.append((index, item))
                }
                var list: [Document] = []
                for (index, item) in indexed.sorted(by: { $0.0 < $1.0 }) {
                    list.append(try item.document(name: "\(name).\(marker).\(index)"))
                }
                return .list(list)
            }
            var members: [String: Document] = [:]
            for (key, child) in children {
                members[key] = try child.document(name: name.isEmpty ? key : "\(name).\(key)")
            }
            return .map(members)
        }
    }
}
