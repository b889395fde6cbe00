/// A parsed Logs Insights query: a pipeline of commands, run left to right.
public struct Query: Equatable, Sendable {
    public var commands: [Command]
}

/// An expression of the query language.
public indirect enum Expression: Equatable, Sendable {
    case field(String)
    case string(String)
    case number(Double)
    case duration(milliseconds: Int64)
    case regex(String)
    /// `count(*)`'s argument.
    case all
    case list([Expression])
    case not(Expression)
    case negate(Expression)
    case binary(BinaryOperator, Expression, Expression)
    case call(String, [Expression])
}

public enum BinaryOperator: String, Equatable, Sendable {
    case or, and
    case equal = "="
    case notEqual = "!="
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="
    case like
    case notLike = "not like"
    case matches = "=~"
    case `in`
    case notIn = "not in"
    case add = "+"
    case subtract = "-"
    case multiply = "*"
    case divide = "/"
    case remainder = "%"
    case power = "^"
}

/// An expression with the name its result is shown under (`expr as name`, or the expression's text).
public struct NamedExpression: Equatable, Sendable {
    public var expression: Expression
    public var name: String
}

public struct SortKey: Equatable, Sendable {
    public var expression: Expression
    public var descending: Bool
}

public enum ParsePattern: Equatable, Sendable {
    /// `"* [*] *"`: each `*` captures, in order, into the `as` names.
    case glob(String, names: [String])
    /// `/(?<name>…)/`: the named groups are the fields.
    case regex(String)
}

public enum Command: Equatable, Sendable {
    case fields([NamedExpression])
    case display([NamedExpression])
    case filter(Expression)
    case filterIndex(Expression)
    case stats([NamedExpression], by: [NamedExpression])
    case sort([SortKey])
    case limit(Int)
    case dedup([String])
    case parse(field: String, ParsePattern)
    case unnest(field: String, into: String)
}
