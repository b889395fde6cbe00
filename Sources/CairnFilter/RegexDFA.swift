/// A regex branch compiled ahead of time into a DFA (subset construction over the Thompson program), so
/// matching costs one table lookup per byte. Built only when the automaton stays small; otherwise the
/// branch runs on the Pike VM, which is linear too but slower.
struct RegexDFA: Sendable {
    /// `transitions[state << 8 | byte]` is the next state.
    let transitions: [UInt16]
    /// States that contain the match instruction: the event matches as soon as one is reached.
    let accepting: [Bool]
    /// States that match if the event ends here (a `$` anchor before the match).
    let acceptingAtEnd: [Bool]
    /// States with no live thread left (anchored searches only): the event cannot match.
    let dead: [Bool]

    static let maximumStates = 512

    init?(_ branch: RegexPattern.Branch) {
        let program = branch.program
        struct Closure: Hashable {
            var threads: [Int]
            var matches: Bool
            var matchesAtEnd: Bool
        }
        func closure(_ starts: [Int]) -> Closure {
            var seen = Set<Int>()
            var threads: [Int] = []
            var matches = false
            var matchesAtEnd = false
            var stack = starts.reversed().map { ($0, false) }
            while let (pc, pastEnd) = stack.popLast() {
                guard seen.insert(pc * 2 + (pastEnd ? 1 : 0)).inserted else { continue }
                switch program[pc] {
                case .jump(let target): stack.append((target, pastEnd))
                case .split(let first, let second):
                    stack.append((second, pastEnd))
                    stack.append((first, pastEnd))
                case .atEnd: stack.append((pc + 1, true))
                case .match:
                    if pastEnd { matchesAtEnd = true } else { matches = true }
                case .byte: if !pastEnd { threads.append(pc) }
                }
            }
            return Closure(threads: threads.sorted(), matches: matches, matchesAtEnd: matchesAtEnd || matches)
        }
        let start = closure([0])
        var states = [start]
        var index = [start: 0]
        var transitions: [UInt16] = []
        var cursor = 0
        while cursor < states.count {
            let state = states[cursor]
            for byte in 0...255 {
                var next: [Int] = []
                for pc in state.threads {
                    if case .byte(let set) = program[pc], set.contains(UInt8(byte)) { next.append(pc + 1) }
                }
                if !branch.anchoredAtStart { next.append(0) }
                let target = closure(next)
                if let known = index[target] {
                    transitions.append(UInt16(known))
                } else {
                    guard states.count < Self.maximumStates else { return nil }
                    index[target] = states.count
                    transitions.append(UInt16(states.count))
                    states.append(target)
                }
            }
            cursor += 1
        }
        self.transitions = transitions
        accepting = states.map(\.matches)
        acceptingAtEnd = states.map(\.matchesAtEnd)
        dead = states.map { $0.threads.isEmpty && !$0.matches && !$0.matchesAtEnd }
    }

    func matches(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        var state = 0
        if accepting[0] { return true }
        return transitions.withUnsafeBufferPointer { table in
            for byte in text {
                state = Int(table[state << 8 | Int(byte)])
                if accepting[state] { return true }
                if dead[state] { return false }
            }
            return acceptingAtEnd[state]
        }
    }
}
