import CairnBytes

/// Cairn's own matcher for grok `match` strings made only of literal text and the run-of-a-class patterns
/// (NOTSPACE, SPACE, DATA, GREEDYDATA, GREEDYDATA_MULTILINE, WORD, USERNAME, USER, INT, POSINT, NONNEGINT), over
/// the UTF-8 bytes of ASCII text.
///
/// It finds what ICU finds for the same expression (the first match in backtracking order: greedy runs longest
/// first, DATA shortest first) without the UTF-16 copy and the regex engine, which cost most of a transformed
/// event. Text with a non-ASCII byte, and every other pattern, stay with ICU: there, `\s`, `.` and `\w` follow
/// Unicode's classes, which this matcher does not carry. Its ASCII classes are ICU's: `\s` is tab, line feed,
/// vertical tab, form feed, carriage return and space; `.` is every byte but line feed, vertical tab, form feed
/// and carriage return; `\w` is letters, digits and `_`.
struct GrokByteMatcher: Sendable {
    /// A pattern as a run of bytes of one class.
    struct Run: Sendable {
        let members: ByteSet
        let minimum: Int
        /// DATA's `.*?`: shortest first.
        var lazy = false
        /// `\b…\b` (WORD, POSINT, NONNEGINT): only the whole run, with no word byte before or after it.
        var wordBounded = false
        /// INT's `[+-]?` before the digits.
        var optionalSign = false
        /// POSINT's `[1-9]` first digit.
        var nonZeroFirst = false
        /// The index of its capture among the pattern's captures, nil for a pattern without a field name.
        var capture: Int? = nil
    }

    enum Element: Sendable {
        case literal([UInt8])
        case run(Run)
    }

    let elements: [Element]
    let captureCount: Int

    /// The patterns this matcher carries.
    static let runs: [String: Run] = [
        "NOTSPACE": Run(members: .notSpace, minimum: 1),
        "SPACE": Run(members: .space, minimum: 0),
        "DATA": Run(members: .notLineEnd, minimum: 0, lazy: true),
        "GREEDYDATA": Run(members: .notLineEnd, minimum: 0),
        "GREEDYDATA_MULTILINE": Run(members: .any, minimum: 0),
        "WORD": Run(members: .word, minimum: 1, wordBounded: true),
        "USERNAME": Run(members: .userName, minimum: 1),
        "USER": Run(members: .userName, minimum: 1),
        "INT": Run(members: .digit, minimum: 1, optionalSign: true),
        "POSINT": Run(members: .digit, minimum: 1, wordBounded: true, nonZeroFirst: true),
        "NONNEGINT": Run(members: .digit, minimum: 1, wordBounded: true),
    ]

    /// The matcher for `tokens`, or nil when one of their patterns is not a run this matcher carries.
    init?(_ tokens: [GrokToken]) {
        var elements: [Element] = []
        var captures = 0
        for token in tokens {
            switch token {
            case .literal(let text):
                let bytes = Self.literalBytes(text)
                if case .literal(let previous) = elements.last {
                    elements[elements.count - 1] = .literal(previous + bytes)
                } else if !bytes.isEmpty {
                    elements.append(.literal(bytes))
                }
            case .pattern(let name, let field):
                guard var run = Self.runs[name] else { return nil }
                if field != nil {
                    run.capture = captures
                    captures += 1
                }
                elements.append(.run(run))
            }
        }
        self.elements = elements
        captureCount = captures
    }

    /// The bytes a literal part of `match` stands for (`GrokRegexCompiler.literalText`, as ICU matches it).
    static func literalBytes(_ text: String) -> [UInt8] {
        Array(GrokRegexCompiler.literalText(text).utf8)
    }

    /// What a match attempt found.
    enum Outcome {
        /// The byte range of each capture (nil for a run that matched nothing it could report).
        case matched([Range<Int>?])
        case noMatch
        /// The search went on past its deadline.
        case overdue
    }

    /// Matches the whole of `text`, which must be ASCII without carriage returns (see `GrokPattern.suitsByteMatcher`).
    /// The deadline is checked every few thousand steps, each byte a run measures counting as one.
    func match(_ text: UnsafeBufferPointer<UInt8>, deadline: inout SearchDeadline) -> Outcome {
        var search = Search(text: text, elements: elements, deadline: deadline, captureCount: captureCount)
        let matched = search.matches(from: 0, at: 0)
        deadline = search.deadline
        guard matched else { return search.overdue ? .overdue : .noMatch }
        return .matched(search.captures)
    }

    /// One backtracking search.
    private struct Search {
        let text: UnsafeBufferPointer<UInt8>
        let elements: [Element]
        var deadline: SearchDeadline
        var captures: [Range<Int>?]
        var steps = 0
        var nextCheck = Search.stepsBetweenChecks
        static let stepsBetweenChecks = 4096
        var overdue = false

        init(text: UnsafeBufferPointer<UInt8>, elements: [Element], deadline: SearchDeadline, captureCount: Int) {
            self.text = text
            self.elements = elements
            self.deadline = deadline
            captures = Array(repeating: nil, count: captureCount)
        }

        /// Whether `elements[element...]` match `text[position...]` exactly, recording captures on the way.
        mutating func matches(from element: Int, at position: Int) -> Bool {
            count(steps: 1)
            if overdue { return false }
            guard element < elements.count else { return position == text.count }
            switch elements[element] {
            case .literal(let bytes):
                guard text.count - position >= bytes.count else { return false }
                // Each byte compared is a step: a search's first steps read no clock (see SearchDeadline).
                count(steps: bytes.count)
                for offset in bytes.indices where text[position + offset] != bytes[offset] { return false }
                return matches(from: element + 1, at: position + bytes.count)
            case .run(let run):
                return matches(run, from: element, at: position)
            }
        }

        private mutating func matches(_ run: Run, from element: Int, at position: Int) -> Bool {
            var start = position
            if run.optionalSign, start < text.count, text[start] == 0x2B || text[start] == 0x2D { start += 1 }
            if run.wordBounded, position > 0, ByteSet.word.contains(text[position - 1]) { return false }
            if run.nonZeroFirst, start < text.count, text[start] == 0x30 { return false }
            let limit = run.members.runEnd(in: text, from: start)
            count(steps: limit - start)
            let shortest = start + run.minimum
            guard limit >= shortest else { return false }
            let isLast = element == elements.count - 1
            if run.wordBounded || isLast {
                // Only the whole run can be followed by a boundary, or by the end of the text.
                if run.wordBounded, limit < text.count, ByteSet.word.contains(text[limit]) { return false }
                return attempt(run, from: element, range: position..<limit)
            }
            if run.lazy {
                for end in shortest...limit where attempt(run, from: element, range: position..<end) { return true }
            } else {
                for end in stride(from: limit, through: shortest, by: -1)
                where attempt(run, from: element, range: position..<end) {
                    return true
                }
            }
            return false
        }

        /// Counts work; past every few thousand steps, a deadline that has passed ends the search.
        private mutating func count(steps taken: Int) {
            steps += taken
            guard steps >= nextCheck else { return }
            nextCheck = steps + Self.stepsBetweenChecks
            if deadline.isPast() { overdue = true }
        }

        private mutating func attempt(_ run: Run, from element: Int, range: Range<Int>) -> Bool {
            if let capture = run.capture { captures[capture] = range }
            return matches(from: element + 1, at: range.upperBound)
        }
    }
}

/// grok's classes over ASCII, as ICU defines them (see `GrokByteMatcher`).
extension ByteSet {
    static let space = ByteSet { (9...13).contains($0) || $0 == 32 }
    static let notSpace = ByteSet { !((9...13).contains($0) || $0 == 32) }
    static let notLineEnd = ByteSet { !(10...13).contains($0) }
    static let any = ByteSet { _ in true }
    static let word = ByteSet(isWordByte)
    static let digit = ByteSet { (48...57).contains($0) }
    static let userName = ByteSet { isWordByte($0) || $0 == 46 || $0 == 45 }

    static func isWordByte(_ byte: UInt8) -> Bool {
        (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte) || byte == 95
    }
}
