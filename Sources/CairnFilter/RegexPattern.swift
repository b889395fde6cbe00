/// The regular-expression subset CloudWatch Logs accepts between `%…%`: literals, `.`, classes `[a-z]`,
/// `\d \w \s` (and negations), escapes `\t \n \r \f \xhh`, `? * + {m,n}`, `^ $` anchors and top-level `|`; no groups, no lookaround,
/// no multibyte characters. It compiles to a small Thompson program run as a Pike VM, so matching is
/// linear in the event's length whatever the pattern: a filter can never hang on an event.
struct RegexPattern: Sendable {
    enum Instruction: Sendable {
        case byte(ByteSet)
        case split(Int, Int)
        case jump(Int)
        case atEnd
        case match
    }

    struct Branch: Sendable {
        var program: [Instruction]
        var anchoredAtStart: Bool
        /// The same branch as a DFA, when it is small enough to build.
        var automaton: RegexDFA? = nil
    }

    let branches: [Branch]

    /// Characters the documentation allows outside the operators: letters, digits and `: _ # = @ / ; , -`.
    private static let plainSymbols = Set(":_#=@/;,-".utf8)
    private static let operators = Set("^$?[]{}|\\*+.".utf8)

    init(_ source: some Collection<UInt8>) throws(FilterPatternError) {
        let bytes = Array(source)
        guard !bytes.isEmpty else { throw .invalid }
        for byte in bytes
        where !(Self.isAlphanumeric(byte) || Self.plainSymbols.contains(byte) || Self.operators.contains(byte)) {
            throw .invalidCharacters([byte])
        }
        var branches: [Branch] = []
        var size = 0
        for part in Self.branches(of: bytes) {
            var branch = try Self.compile(Array(part))
            branch.automaton = RegexDFA(branch)
            size += branch.program.count
            guard size <= FilterPatternLimits.maximumRegexProgram else { throw .invalid }
            branches.append(branch)
        }
        self.branches = branches
    }

    /// The top-level alternatives: `|` splits, but not an escaped `\|` or one inside a class `[|]`.
    private static func branches(of bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        var parts: [ArraySlice<UInt8>] = []
        var start = 0
        var index = 0
        var inClass = false
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\\"): index += 1
            case UInt8(ascii: "["): inClass = true
            case UInt8(ascii: "]"): inClass = false
            case UInt8(ascii: "|") where !inClass:
                parts.append(bytes[start..<index])
                start = index + 1
            default: break
            }
            index += 1
        }
        parts.append(bytes[start..<min(index, bytes.count)])
        return parts
    }

    static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
    }

    func matches(_ text: ArraySlice<UInt8>) -> Bool {
        text.withUnsafeBufferPointer { buffer in
            branches.contains { branch in branch.automaton?.matches(buffer) ?? Self.run(branch, buffer) }
        }
    }

    // MARK: compiling

    private static func compile(_ bytes: [UInt8]) throws(FilterPatternError) -> Branch {
        var index = 0
        var anchoredAtStart = false
        var anchoredAtEnd = false
        var program: [Instruction] = []
        if bytes.first == UInt8(ascii: "^") {
            anchoredAtStart = true
            index = 1
        }
        var end = bytes.count
        if end > index, bytes[end - 1] == UInt8(ascii: "$"), end < 2 || bytes[end - 2] != UInt8(ascii: "\\") {
            anchoredAtEnd = true
            end -= 1
        }
        while index < end {
            let atom = try parseAtom(bytes, &index, end)
            let (minimum, maximum) = try parseQuantifier(bytes, &index, end)
            for _ in 0..<minimum { program.append(.byte(atom)) }
            if let maximum {
                // Each optional copy may be skipped, which skips the rest too.
                var exits: [Int] = []
                for _ in minimum..<maximum {
                    exits.append(program.count)
                    program.append(.split(program.count + 1, -1))
                    program.append(.byte(atom))
                }
                for exit in exits { program[exit] = .split(exit + 1, program.count) }
            } else {
                let loop = program.count
                program.append(.split(loop + 1, loop + 3))
                program.append(.byte(atom))
                program.append(.jump(loop))
            }
            guard program.count <= FilterPatternLimits.maximumRegexProgram else { throw .invalid }
        }
        if anchoredAtEnd { program.append(.atEnd) }
        program.append(.match)
        return Branch(program: program, anchoredAtStart: anchoredAtStart)
    }

    private static func parseAtom(
        _ bytes: [UInt8], _ index: inout Int, _ end: Int
    ) throws(FilterPatternError) -> ByteSet {
        let byte = bytes[index]
        index += 1
        switch byte {
        case UInt8(ascii: "."):
            return ByteSet(UInt8(ascii: "\n")).inverted
        case UInt8(ascii: "\\"):
            guard index < end else { throw .invalid }
            let escaped = bytes[index]
            if "dDwWsS".utf8.contains(escaped) {
                index += 1
                return escapeSet(escaped)
            }
            return ByteSet(try escapedByte(bytes, &index, end))
        case UInt8(ascii: "["):
            return try parseClass(bytes, &index, end)
        case UInt8(ascii: "?"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "{"), UInt8(ascii: "}"),
            UInt8(ascii: "]"), UInt8(ascii: "^"), UInt8(ascii: "$"):
            throw .invalid
        default:
            return ByteSet(byte)
        }
    }

    private static func escapeSet(_ escaped: UInt8) -> ByteSet {
        switch escaped {
        case UInt8(ascii: "d"): return .digits
        case UInt8(ascii: "D"): return ByteSet.digits.inverted
        case UInt8(ascii: "w"): return .word
        case UInt8(ascii: "W"): return ByteSet.word.inverted
        case UInt8(ascii: "s"): return .space
        case UInt8(ascii: "S"): return ByteSet.space.inverted
        default: return ByteSet(escaped)
        }
    }

    /// The byte an escape other than a class stands for, the cursor on the byte after the backslash:
    /// `\t \n \r \f`, `\xhh` (two hex digits; above `\x7F` would be a multi-byte character, which
    /// CloudWatch Logs does not support), or the escaped character itself (`\.`, `\[`).
    private static func escapedByte(
        _ bytes: [UInt8], _ index: inout Int, _ end: Int
    ) throws(FilterPatternError) -> UInt8 {
        let escaped = bytes[index]
        index += 1
        switch escaped {
        case UInt8(ascii: "t"): return 9
        case UInt8(ascii: "n"): return 10
        case UInt8(ascii: "r"): return 13
        case UInt8(ascii: "f"): return 12
        case UInt8(ascii: "x"):
            guard index + 2 <= end, let high = hexValue(bytes[index]), let low = hexValue(bytes[index + 1]) else {
                throw .invalid
            }
            index += 2
            let value = high << 4 | low
            guard value < 0x80 else { throw .invalid }
            return value
        default: return escaped
        }
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    private static func parseClass(
        _ bytes: [UInt8], _ index: inout Int, _ end: Int
    ) throws(FilterPatternError) -> ByteSet {
        var set = ByteSet()
        var negated = false
        if index < end, bytes[index] == UInt8(ascii: "^") {
            negated = true
            index += 1
        }
        var members = 0
        while index < end, bytes[index] != UInt8(ascii: "]") {
            var low = bytes[index]
            index += 1
            if low == UInt8(ascii: "\\") {
                guard index < end else { throw .invalid }
                let escaped = bytes[index]
                if "dDwWsS".utf8.contains(escaped) {
                    index += 1
                    set.formUnion(escapeSet(escaped))
                    members += 1
                    continue
                }
                low = try escapedByte(bytes, &index, end)
            }
            if index + 1 < end, bytes[index] == UInt8(ascii: "-"), bytes[index + 1] != UInt8(ascii: "]") {
                var high = bytes[index + 1]
                index += 2
                if high == UInt8(ascii: "\\") {
                    guard index < end else { throw .invalid }
                    high = try escapedByte(bytes, &index, end)
                }
                guard low <= high else { throw .invalid }
                set.formUnion(ByteSet(range: low...high))
            } else {
                set.insert(low)
            }
            members += 1
        }
        guard index < end, members > 0 else { throw .invalid }
        index += 1  // ]
        return negated ? set.inverted : set
    }

    private static func parseQuantifier(
        _ bytes: [UInt8], _ index: inout Int, _ end: Int
    ) throws(FilterPatternError) -> (Int, Int?) {
        guard index < end else { return (1, 1) }
        switch bytes[index] {
        case UInt8(ascii: "?"):
            index += 1
            return (0, 1)
        case UInt8(ascii: "*"):
            index += 1
            return (0, nil)
        case UInt8(ascii: "+"):
            index += 1
            return (1, nil)
        case UInt8(ascii: "{"):
            index += 1
            let minimum = try parseCount(bytes, &index, end)
            var maximum: Int? = minimum
            if index < end, bytes[index] == UInt8(ascii: ",") {
                index += 1
                maximum = index < end && bytes[index] == UInt8(ascii: "}") ? nil : try parseCount(bytes, &index, end)
            }
            guard index < end, bytes[index] == UInt8(ascii: "}") else { throw .invalid }
            index += 1
            if let maximum, maximum < minimum { throw .invalid }
            return (minimum, maximum)
        default:
            return (1, 1)
        }
    }

    private static func parseCount(_ bytes: [UInt8], _ index: inout Int, _ end: Int) throws(FilterPatternError) -> Int {
        var value = 0
        var digits = 0
        while index < end, bytes[index] >= 0x30, bytes[index] <= 0x39 {
            value = value * 10 + Int(bytes[index] - 0x30)
            digits += 1
            index += 1
            guard value <= FilterPatternLimits.maximumRegexProgram else { throw .invalid }
        }
        guard digits > 0 else { throw .invalid }
        return value
    }

    // MARK: running

    /// Pike VM without captures: the set of live program counters advances one byte at a time.
    static func run(_ branch: Branch, _ text: UnsafeBufferPointer<UInt8>) -> Bool {
        let program = branch.program
        var current: [Int] = []
        var next: [Int] = []
        current.reserveCapacity(program.count)
        next.reserveCapacity(program.count)
        var marks = [Int](repeating: -1, count: program.count)
        var generation = 0

        func add(_ pc: Int, _ position: Int, _ list: inout [Int]) -> Bool {
            if marks[pc] == generation { return false }
            marks[pc] = generation
            switch program[pc] {
            case .jump(let target):
                return add(target, position, &list)
            case .split(let first, let second):
                return add(first, position, &list) || add(second, position, &list)
            case .atEnd:
                return position == text.count ? add(pc + 1, position, &list) : false
            case .match:
                return true
            case .byte:
                list.append(pc)
                return false
            }
        }

        var position = 0
        while true {
            if !branch.anchoredAtStart || position == 0 {
                if add(0, position, &current) { return true }
            }
            if position == text.count || (current.isEmpty && branch.anchoredAtStart) { return false }
            let byte = text[position]
            generation += 1
            next.removeAll(keepingCapacity: true)
            for pc in current {
                if case .byte(let set) = program[pc], set.contains(byte) {
                    if add(pc + 1, position + 1, &next) { return true }
                }
            }
            swap(&current, &next)
            position += 1
        }
    }
}
