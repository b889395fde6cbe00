import Testing

@testable import CairnMetrics

/// Composite alarm rules (PutCompositeAlarm's `AlarmRule`): AWS's documented examples, precedence, references,
/// limits at their boundaries, malformed rules with their messages, and evaluation.
@Suite struct AlarmRuleTests {
    typealias Expression = AlarmRule.Expression

    static func alarm(_ name: String) -> Expression { .state(.alarm, name) }
    static func ok(_ name: String) -> Expression { .state(.ok, name) }

    /// The message a rule is refused with, or nil when it parses.
    static func refusal(_ rule: String) -> String? {
        do {
            _ = try AlarmRule(parsing: rule)
            return nil
        } catch {
            return error.message
        }
    }

    // MARK: AWS's examples

    struct Example: CustomTestStringConvertible, Sendable {
        let rule: String
        let expression: Expression
        var testDescription: String { rule }
    }

    /// The examples of the PutCompositeAlarm API reference (AlarmRule), of the user guide's "Composite alarms" page
    /// (docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-combining.html, "Example expressions") and of
    /// its "Create a composite alarm" console steps (Create_Composite_Alarm.html, "Rule expression with conditions").
    static let examples: [Example] = [
        Example(
            rule: "ALARM(CPUUtilizationTooHigh) AND ALARM(DiskReadOpsTooHigh)",
            expression: .and([alarm("CPUUtilizationTooHigh"), alarm("DiskReadOpsTooHigh")])),
        Example(
            rule: "ALARM(CPUUtilizationTooHigh) AND NOT ALARM(DeploymentInProgress)",
            expression: .and([alarm("CPUUtilizationTooHigh"), .not(alarm("DeploymentInProgress"))])),
        Example(
            rule: "(ALARM(CPUUtilizationTooHigh) OR ALARM(DiskReadOpsTooHigh)) AND OK(NetworkOutTooHigh)",
            expression: .and([
                .or([alarm("CPUUtilizationTooHigh"), alarm("DiskReadOpsTooHigh")]), ok("NetworkOutTooHigh"),
            ])),
        Example(
            rule:
                "(ALARM(\"CPUUtilizationTooHigh\") OR \nALARM(\"DiskReadOpsTooHigh\")) AND \nOK(\"NetworkOutTooHigh\")",
            expression: .and([
                .or([alarm("CPUUtilizationTooHigh"), alarm("DiskReadOpsTooHigh")]), ok("NetworkOutTooHigh"),
            ])),
        Example(
            rule: "AT_LEAST(2, ALARM, (WebServer1CPU, WebServer2CPU, WebServer3CPU, WebServer4CPU))",
            expression: .atLeast(
                .count(2), .alarm, negated: false, ["WebServer1CPU", "WebServer2CPU", "WebServer3CPU", "WebServer4CPU"])
        ),
        Example(
            rule:
                "AT_LEAST(50%, OK, (DatabaseConnection1, DatabaseConnection2, DatabaseConnection3, DatabaseConnection4))",
            expression: .atLeast(
                .percent(50), .ok, negated: false,
                ["DatabaseConnection1", "DatabaseConnection2", "DatabaseConnection3", "DatabaseConnection4"])),
        Example(
            rule: "AT_LEAST(2, ALARM, (AZ1Health, AZ2Health, AZ3Health)) AND NOT ALARM(MaintenanceWindow)",
            expression: .and([
                .atLeast(.count(2), .alarm, negated: false, ["AZ1Health", "AZ2Health", "AZ3Health"]),
                .not(alarm("MaintenanceWindow")),
            ])),
        // "The simplest change to make to break a cycle is to change the AlarmRule of one of the alarms to false."
        Example(rule: "FALSE", expression: .constant(false)),
        // The form the AWS CDK renders AT_LEAST with a negated state and quoted references.
        Example(
            rule: "AT_LEAST(60%, NOT OK, (\"a1\", \"a2\", \"a3\"))",
            expression: .atLeast(.percent(60), .ok, negated: true, ["a1", "a2", "a3"])),
    ]

    @Test(arguments: examples)
    func documentedExamplesParse(_ example: Example) throws {
        let rule = try AlarmRule(parsing: example.rule)
        #expect(rule.expression == example.expression)
        #expect(rule.text == example.rule)
    }

    @Test func documentedExamplesMeanWhatTheDocumentationSays() throws {
        let both = try AlarmRule(parsing: Self.examples[0].rule)
        #expect(both.evaluate { _ in .alarm })
        #expect(!both.evaluate { $0 == "CPUUtilizationTooHigh" ? .alarm : .ok })
        let deployment = try AlarmRule(parsing: Self.examples[1].rule)
        #expect(deployment.evaluate { $0 == "DeploymentInProgress" ? .ok : .alarm })
        #expect(!deployment.evaluate { _ in .alarm })
        let network = try AlarmRule(parsing: Self.examples[2].rule)
        #expect(network.evaluate { $0 == "NetworkOutTooHigh" ? .ok : $0 == "DiskReadOpsTooHigh" ? .alarm : .ok })
        #expect(!network.evaluate { _ in .alarm })
        #expect(network.children == ["CPUUtilizationTooHigh", "DiskReadOpsTooHigh", "NetworkOutTooHigh"])
        let twoOfFour = try AlarmRule(parsing: Self.examples[4].rule)
        #expect(twoOfFour.evaluate { ["WebServer1CPU", "WebServer3CPU"].contains($0) ? .alarm : .ok })
        #expect(!twoOfFour.evaluate { $0 == "WebServer1CPU" ? .alarm : .ok })
        let half = try AlarmRule(parsing: Self.examples[5].rule)
        #expect(half.evaluate { $0.hasSuffix("1") || $0.hasSuffix("2") ? .ok : .alarm })
        #expect(!half.evaluate { $0.hasSuffix("1") ? .ok : .insufficientData })
    }

    // MARK: Messages seen from AWS

    @Test func awsMessagesAreReproduced() {
        // AWS CDK issue #34662: the rule "()" is refused with this text.
        #expect(Self.refusal("()") == "Error in AlarmRule [Unsupported token ')' at char 1]")
        // AWS CDK issue #13953: a bare ARN whose alarm name has spaces ("SampleQueue Oldest Age Alarm").
        let rule =
            "(ALARM(arn:aws:cloudwatch:us-east-1:123456789012:alarm:SampleQueue Oldest Age Alarm) OR ALARM(other))"
        #expect(Self.refusal(rule) == "Error in AlarmRule [Unsupported token 'Oldest' at char 67, must be: ')']")
        #expect(
            AlarmRuleError.missingChildren(["FirstAlarm", "SecondAlarm"]).message
                == "Could not save the composite alarm as alarms [FirstAlarm, SecondAlarm] in the alarm rule do not exist"
        )
    }

    // MARK: Precedence and parentheses

    @Test func notBindsTighterThanAndWhichBindsTighterThanOr() throws {
        let (a, b, c) = (Self.alarm("a"), Self.alarm("b"), Self.alarm("c"))
        #expect(try AlarmRule(parsing: "ALARM(a) OR ALARM(b) AND ALARM(c)").expression == .or([a, .and([b, c])]))
        #expect(try AlarmRule(parsing: "ALARM(a) AND ALARM(b) OR ALARM(c)").expression == .or([.and([a, b]), c]))
        #expect(try AlarmRule(parsing: "NOT ALARM(a) AND ALARM(b)").expression == .and([.not(a), b]))
        #expect(try AlarmRule(parsing: "NOT ALARM(a) OR ALARM(b)").expression == .or([.not(a), b]))
        // TRUE OR (FALSE AND FALSE) is true; (TRUE OR FALSE) AND FALSE would be false.
        #expect(try AlarmRule(parsing: "TRUE OR FALSE AND FALSE").evaluate { _ in nil })
    }

    @Test func parenthesesGroupAndChainsShareOneNode() throws {
        let (a, b, c) = (Self.alarm("a"), Self.alarm("b"), Self.alarm("c"))
        #expect(try AlarmRule(parsing: "(ALARM(a) OR ALARM(b)) AND ALARM(c)").expression == .and([.or([a, b]), c]))
        #expect(try AlarmRule(parsing: "NOT (ALARM(a) AND ALARM(b))").expression == .not(.and([a, b])))
        #expect(try AlarmRule(parsing: "ALARM(a) AND ALARM(b) AND ALARM(c)").expression == .and([a, b, c]))
        #expect(try AlarmRule(parsing: "(ALARM(a) AND ALARM(b)) AND ALARM(c)").expression == .and([.and([a, b]), c]))
        #expect(try AlarmRule(parsing: "((TRUE))").expression == .constant(true))
        #expect(try AlarmRule(parsing: "NOT(ALARM(a))AND(TRUE)").expression == .and([.not(a), .constant(true)]))
    }

    @Test func notChainsNest() throws {
        #expect(try AlarmRule(parsing: "NOT NOT TRUE").expression == .not(.not(.constant(true))))
        #expect(try AlarmRule(parsing: "NOT NOT TRUE").evaluate { _ in nil })
        #expect(try !AlarmRule(parsing: "NOT NOT NOT ALARM(a)").evaluate { _ in .alarm })
        // The longest chain that fits in 10240 characters, 2559 NOTs: odd, so false.
        let longest = try AlarmRule(parsing: String(repeating: "NOT ", count: 2559) + "TRUE")
        #expect(!longest.evaluate { _ in nil })
    }

    // MARK: References

    @Test func quotedNamesMayHoldSpacesParenthesesCommasAndEscapedQuotes() throws {
        let rule = try AlarmRule(parsing: #"ALARM("web (prod), eu") OR OK("say \"hi\"") OR OK("back\\slash\n")"#)
        #expect(rule.children == ["web (prod), eu", #"say "hi""#, #"back\slash\n"#])
        #expect(try AlarmRule(parsing: "ALARM( a ) OR\tOK(\"a\")").children == ["a"])
        #expect(try AlarmRule(parsing: "ALARM(AND) OR OK(TRUE)").children == ["AND", "TRUE"])
    }

    @Test func childrenAreInOrderOfFirstAppearanceOnce() throws {
        let rule = try AlarmRule(
            parsing: "OK(b) OR ALARM(a) OR INSUFFICIENT_DATA(b) OR AT_LEAST(1, ALARM, (c, a)) OR TRUE")
        #expect(rule.children == ["b", "a", "c"])
        #expect(try AlarmRule(parsing: "TRUE AND NOT FALSE").children.isEmpty)
    }

    @Test func arnsResolveToNamesOfTheSameAccountAndRegion() throws {
        let arn = "arn:aws:cloudwatch:eu-west-1:111122223333:alarm:cpu:high"
        let rule = try AlarmRule(parsing: "ALARM(\(arn)) AND OK(\"\(arn)\") OR AT_LEAST(1, NOT OK, (disk, \(arn)))")
        #expect(rule.children == [arn, "disk"])
        let resolved = try rule.resolvingReferences(account: "111122223333", region: "eu-west-1")
        #expect(resolved.children == ["cpu:high", "disk"])
        #expect(resolved.text == rule.text)
        #expect(
            resolved.expression
                == .or([
                    .and([Self.alarm("cpu:high"), Self.ok("cpu:high")]),
                    .atLeast(.count(1), .ok, negated: true, ["disk", "cpu:high"]),
                ]))
        #expect(
            try AlarmRule.alarmName(
                of: "arn:aws-cn:cloudwatch:cn-north-1:111122223333:alarm:x", account: "111122223333",
                region: "cn-north-1") == "x")
        #expect(try AlarmRule.alarmName(of: "plain", account: "1", region: "r") == "plain")
    }

    @Test func arnsOfAnotherAccountOrRegionOrServiceAreRefused() throws {
        let rule = try AlarmRule(parsing: "ALARM(arn:aws:cloudwatch:eu-west-1:111122223333:alarm:cpu)")
        #expect(
            throws: AlarmRuleError(
                message:
                    "Error in AlarmRule [Alarm arn:aws:cloudwatch:eu-west-1:111122223333:alarm:cpu is not in the account and Region of the composite alarm]"
            )
        ) {
            try rule.resolvingReferences(account: "444455556666", region: "eu-west-1")
        }
        #expect(throws: AlarmRuleError.self) {
            try rule.resolvingReferences(account: "111122223333", region: "us-east-1")
        }
        for notAnAlarm in [
            "arn:aws:sns:eu-west-1:111122223333:topic", "arn:aws:cloudwatch:eu-west-1:111122223333:alarm:",
            "arn:aws:cloudwatch:eu-west-1:111122223333:dashboard:d",
        ] {
            #expect(throws: AlarmRuleError(message: "Error in AlarmRule [\(notAnAlarm) is not an alarm ARN]")) {
                try AlarmRule.alarmName(of: notAnAlarm, account: "111122223333", region: "eu-west-1")
            }
        }
    }

    // MARK: Limits

    @Test func oneHundredChildrenAreAllowedNotOneMore() throws {
        func rule(_ count: Int) -> String { (1...count).map { "ALARM(a\($0))" }.joined(separator: " OR ") }
        #expect(try AlarmRule(parsing: rule(100)).children.count == 100)
        #expect(Self.refusal(rule(101)) == "Error in AlarmRule [The rule names more than 100 child alarms]")
        // One child named 500 times is one child alarm and 500 elements.
        #expect(
            try AlarmRule(parsing: Array(repeating: "ALARM(a)", count: 500).joined(separator: " OR ")).children == ["a"]
        )
        let listed = "AT_LEAST(1, ALARM, (\((1...101).map { "a\($0)" }.joined(separator: ", "))))"
        #expect(Self.refusal(listed) == "Error in AlarmRule [The rule names more than 100 child alarms]")
    }

    @Test func fiveHundredElementsAreAllowedNotOneMore() throws {
        let tooMany =
            "Error in AlarmRule [The rule has more than 500 elements (child alarms, TRUE or FALSE and pairs of parentheses)]"
        func constants(_ count: Int) -> String { Array(repeating: "TRUE", count: count).joined(separator: " OR ") }
        #expect(throws: Never.self) { try AlarmRule(parsing: constants(500)) }
        #expect(Self.refusal(constants(501)) == tooMany)
        // A pair of parentheses is one element.
        #expect(throws: Never.self) { try AlarmRule(parsing: "(\(constants(499)))") }
        #expect(Self.refusal("(\(constants(500)))") == tooMany)
        #expect(throws: Never.self) {
            try AlarmRule(parsing: String(repeating: "(", count: 499) + "FALSE" + String(repeating: ")", count: 499))
        }
        #expect(
            Self.refusal(String(repeating: "(", count: 500) + "FALSE" + String(repeating: ")", count: 500)) == tooMany)
        // Every alarm an AT_LEAST lists is an element.
        let listed = "AT_LEAST(1, ALARM, (\(Array(repeating: "a", count: 400).joined(separator: ","))))"
        #expect(throws: Never.self) { try AlarmRule(parsing: listed + " OR " + constants(100)) }
        #expect(Self.refusal(listed + " OR " + constants(101)) == tooMany)
    }

    @Test func tenThousandTwoHundredFortyCharactersAreAllowedNotOneMore() throws {
        let longest = "TRUE" + String(repeating: " ", count: 10_236)
        #expect(try AlarmRule(parsing: longest).text.count == 10_240)
        #expect(
            Self.refusal(longest + " ")
                == "1 validation error detected: Value '\(longest) ' at 'alarmRule' failed to satisfy constraint: Member must have length less than or equal to 10240"
        )
        #expect(
            Self.refusal("")
                == "1 validation error detected: Value '' at 'alarmRule' failed to satisfy constraint: Member must have length greater than or equal to 1"
        )
    }

    // MARK: Malformed rules

    static let malformed: [(rule: String, message: String)] = [
        ("   ", "Unexpected end of rule at char 3"),
        ("(ALARM(a)", "Unexpected end of rule at char 9, must be: ')'"),
        ("ALARM(a))", "Unsupported token ')' at char 8"),
        ("ALARM(a) AND", "Unexpected end of rule at char 12"),
        ("ALARM(a) AND OR ALARM(b)", "Unsupported token 'OR' at char 13"),
        ("AND ALARM(a)", "Unsupported token 'AND' at char 0"),
        ("NOT", "Unexpected end of rule at char 3"),
        ("FOO(a)", "Unsupported token 'FOO' at char 0"),
        ("alarm(a)", "Unsupported token 'alarm' at char 0"),
        ("ALARM(a) and ALARM(b)", "Unsupported token 'and' at char 9"),
        ("ALARM(a) ALARM(b)", "Unsupported token 'ALARM' at char 9"),
        ("TRUE FALSE", "Unsupported token 'FALSE' at char 5"),
        ("ALARM()", "Unsupported token ')' at char 6, must be: an alarm name or ARN"),
        (#"ALARM("")"#, "Empty alarm name at char 6"),
        (#"ALARM("a) OR TRUE"#, "Unterminated quoted name at char 6"),
        ("ALARM a", "Unsupported token 'a' at char 6, must be: '('"),
        ("ALARM(a b)", "Unsupported token 'b' at char 8, must be: ')'"),
        ("ALARM(a,b)", "Unsupported token ',' at char 7, must be: ')'"),
        (#""a""#, #"Unsupported token '"a"' at char 0"#),
        ("AT_LEAST(x, ALARM, (a))", "Unsupported token 'x' at char 9, must be: a count or a percentage"),
        ("AT_LEAST(-1, ALARM, (a))", "Unsupported token '-1' at char 9, must be: a count or a percentage"),
        ("AT_LEAST(2, RED, (a))", "Unsupported token 'RED' at char 12, must be: ALARM, OK or INSUFFICIENT_DATA"),
        ("AT_LEAST(1, ALARM, a)", "Unsupported token 'a' at char 19, must be: '('"),
        ("AT_LEAST(1, ALARM, ())", "Unsupported token ')' at char 20, must be: an alarm name or ARN"),
        ("AT_LEAST(1, ALARM, (a b))", "Unsupported token 'b' at char 22, must be: ',' or ')'"),
        ("AT_LEAST(1 ALARM, (a))", "Unsupported token 'ALARM' at char 11, must be: ','"),
        ("AT_LEAST(0, ALARM, (a))", "AT_LEAST threshold '0' at char 9 must be between 1 and 1"),
        ("AT_LEAST(3, OK, (a, b))", "AT_LEAST threshold '3' at char 9 must be between 1 and 2"),
        ("AT_LEAST(101%, OK, (a))", "AT_LEAST threshold '101%' at char 9 must be between 1% and 100%"),
        ("AT_LEAST(0%, OK, (a))", "AT_LEAST threshold '0%' at char 9 must be between 1% and 100%"),
    ]

    @Test(arguments: malformed)
    func malformedRulesAreRefusedAtTheirToken(_ rule: String, _ message: String) {
        #expect(Self.refusal(rule) == "Error in AlarmRule [\(message)]")
    }

    // MARK: Evaluation

    @Test func stateFunctionsMatchTheChildsStateOnly() throws {
        let functions: [(String, AlarmState)] = [
            ("ALARM", .alarm), ("OK", .ok), ("INSUFFICIENT_DATA", .insufficientData),
        ]
        for (function, wanted) in functions {
            let rule = try AlarmRule(parsing: "\(function)(child)")
            for state in AlarmState.allCases {
                #expect(rule.evaluate { $0 == "child" ? state : nil } == (state == wanted), "\(function) in \(state)")
            }
            // A child that does not exist is in no state.
            #expect(!rule.evaluate { _ in nil })
            #expect(try AlarmRule(parsing: "NOT \(function)(child)").evaluate { _ in nil })
        }
    }

    @Test func operatorTruthTables() throws {
        let constants = [false, true]
        for a in constants {
            #expect(try AlarmRule(parsing: a ? "TRUE" : "FALSE").evaluate { _ in nil } == a)
            #expect(try AlarmRule(parsing: a ? "NOT TRUE" : "NOT FALSE").evaluate { _ in nil } == !a)
            for b in constants {
                let (left, right) = (a ? "TRUE" : "FALSE", b ? "TRUE" : "FALSE")
                #expect(try AlarmRule(parsing: "\(left) AND \(right)").evaluate { _ in nil } == (a && b))
                #expect(try AlarmRule(parsing: "\(left) OR \(right)").evaluate { _ in nil } == (a || b))
            }
        }
        // Children in every combination of two states.
        let rule = try AlarmRule(parsing: "ALARM(x) AND NOT OK(y)")
        for x in AlarmState.allCases {
            for y in AlarmState.allCases {
                #expect(rule.evaluate { $0 == "x" ? x : y } == (x == .alarm && y != .ok), "x \(x), y \(y)")
            }
        }
    }

    @Test func atLeastCountsTheListedAlarmsInTheState() throws {
        let states: [String: AlarmState] = ["a": .alarm, "b": .alarm, "c": .ok]  // "d" does not exist.
        func holds(_ rule: String) throws -> Bool { try AlarmRule(parsing: rule).evaluate { states[$0] } }
        #expect(try holds("AT_LEAST(2, ALARM, (a, b, c, d))"))
        #expect(try !holds("AT_LEAST(3, ALARM, (a, b, c, d))"))
        #expect(try holds("AT_LEAST(50%, ALARM, (a, b, c, d))"))
        #expect(try !holds("AT_LEAST(51%, ALARM, (a, b, c, d))"))
        #expect(try holds("AT_LEAST(2, NOT ALARM, (a, b, c, d))"))  // c, and d which is in no state.
        #expect(try !holds("AT_LEAST(3, NOT ALARM, (a, b, c, d))"))
        #expect(try holds("AT_LEAST(100%, NOT INSUFFICIENT_DATA, (a, b, c, d))"))
        #expect(try holds("AT_LEAST(1, OK, (c))") && holds("NOT AT_LEAST(1, OK, (a))"))
    }
}
