public import CairnProtocol
import Foundation

/// A document's meaning in JSON: numbers compared as numbers, byte strings as their base64 text,
/// timestamps as epoch seconds, and non-finite numbers as the `null` JSON writes for them.
public indirect enum JSONMeaning: Equatable {
    case null
    case boolean(Bool)
    case number(Double)
    case string(String)
    case list([JSONMeaning])
    case map([String: JSONMeaning])

    public init(_ document: Document) {
        switch document {
        case .null: self = .null
        case .boolean(let flag): self = .boolean(flag)
        case .integer(let number): self = .number(Double(number))
        case .double(let number), .timestamp(let number): self = number.isFinite ? .number(number) : .null
        case .string(let text), .text(let text): self = .string(text)
        case .bytes(let bytes): self = .string(Data(bytes).base64EncodedString())
        case .list(let items): self = .list(items.map(JSONMeaning.init))
        case .map(let members): self = .map(members.mapValues(JSONMeaning.init))
        }
    }
}
