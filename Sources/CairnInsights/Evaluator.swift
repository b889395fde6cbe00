import CairnFilter

/// Evaluates compiled expressions on a row. `now` is when the query started (epoch ms); `aggregates` holds a
/// `stats` group's aggregation results while its output expressions are evaluated.
struct Evaluator {
    let now: Int64

    func evaluate(_ expression: CompiledExpression, _ row: Row, aggregates: [Value] = []) -> Value {
        switch expression {
        case .field(let name): return row.value(name)
        case .constant(let value): return value
        case .pattern: return .null
        case .aggregate(let index): return aggregates.indices.contains(index) ? aggregates[index] : .null
        case .list(let items): return .json(.array(items.map { json(evaluate($0, row, aggregates: aggregates)) }))
        case .not(let inner): return .bool(!evaluate(inner, row, aggregates: aggregates).isTrue)
        case .negate(let inner):
            guard let number = evaluate(inner, row, aggregates: aggregates).number else { return .null }
            return .number(-number)
        case .binary(let op, let left, let right):
            return binary(op, left, right, row, aggregates)
        case .call(let function, let arguments):
            if function == .bin {
                return Functions.floor(row.value("@timestamp"), evaluate(arguments[0], row, aggregates: aggregates))
            }
            if function == .now { return .time(now) }
            let values = arguments.map { evaluate($0, row, aggregates: aggregates) }
            return Functions.call(function, values)
        }
    }

    private func binary(
        _ op: BinaryOperator, _ left: CompiledExpression, _ right: CompiledExpression, _ row: Row,
        _ aggregates: [Value]
    ) -> Value {
        switch op {
        case .and:
            return .bool(
                evaluate(left, row, aggregates: aggregates).isTrue
                    && evaluate(right, row, aggregates: aggregates).isTrue)
        case .or:
            return .bool(
                evaluate(left, row, aggregates: aggregates).isTrue
                    || evaluate(right, row, aggregates: aggregates).isTrue)
        case .like, .notLike, .matches:
            guard case .pattern(let pattern) = right else { return .bool(false) }
            if case .field(let name) = left, let literal = pattern.literalBytes, let bytes = row.rawBytes(name) {
                return .bool(ByteSearch.contains(bytes, literal) != (op == .notLike))
            }
            guard let text = evaluate(left, row, aggregates: aggregates).text else { return .bool(false) }
            return .bool(pattern.matches(text) != (op == .notLike))
        case .in, .notIn:
            let value = evaluate(left, row, aggregates: aggregates)
            guard !value.isNull, case .list(let items) = right else { return .bool(false) }
            let found = items.contains { Value.compare(value, evaluate($0, row, aggregates: aggregates)) == 0 }
            return .bool(found != (op == .notIn))
        default: break
        }
        let a = evaluate(left, row, aggregates: aggregates)
        let b = evaluate(right, row, aggregates: aggregates)
        switch op {
        case .equal: return .bool(Value.compare(a, b) == 0)
        case .notEqual: return .bool(Value.compare(a, b).map { $0 != 0 } ?? false)
        case .less: return .bool(Value.compare(a, b).map { $0 < 0 } ?? false)
        case .lessOrEqual: return .bool(Value.compare(a, b).map { $0 <= 0 } ?? false)
        case .greater: return .bool(Value.compare(a, b).map { $0 > 0 } ?? false)
        case .greaterOrEqual: return .bool(Value.compare(a, b).map { $0 >= 0 } ?? false)
        default: return Self.arithmetic(op, a, b)
        }
    }

    static func arithmetic(_ op: BinaryOperator, _ a: Value, _ b: Value) -> Value {
        guard let x = a.number, let y = b.number else { return .null }
        let result: Double
        switch op {
        case .add: result = x + y
        case .subtract: result = x - y
        case .multiply: result = x * y
        case .divide:
            guard y != 0 else { return .null }
            result = x / y
        case .remainder:
            guard y != 0 else { return .null }
            result = x.truncatingRemainder(dividingBy: y)
        case .power: result = Functions.power(x, y)
        default: return .null
        }
        // A time shifted by a duration stays a time.
        if case .time = a, op == .add || op == .subtract, !(b.isTime) {
            return Functions.milliseconds(result).map(Value.time) ?? .null
        }
        return .number(result)
    }

    private func json(_ value: Value) -> JSONValue {
        switch value {
        case .null: .null
        case .bool(let flag): .bool(flag)
        case .number(let number): .number(number, text: Value.format(number))
        case .time(let milliseconds): .string(DateText.format(milliseconds))
        case .string(let text): .string(text)
        case .json(let inner): inner
        }
    }
}

extension Value {
    var isTime: Bool { if case .time = self { true } else { false } }
}
