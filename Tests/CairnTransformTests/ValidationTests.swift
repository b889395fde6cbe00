import Testing

@testable import CairnTransform

@Suite("transformerConfig validation")
struct ValidationTests {
    @Test func acceptsAParserFollowedByMutators() throws {
        #expect(try rejection(#"[{"parseJSON":{}},{"addKeys":{"entries":[{"key":"a","value":"b"}]}}]"#) == nil)
    }

    @Test func rejectsAnEmptyList() throws {
        #expect(
            try rejection("[]")
                == "1 validation error detected: Value '[...]' at 'transformerConfig' failed to satisfy constraint: "
                + "Member must have length greater than or equal to 1")
    }

    @Test func rejectsMoreThan20Processors() throws {
        let list =
            "["
            + ([#"{"parseJSON":{}}"#] + Array(repeating: #"{"deleteKeys":{"withKeys":["a"]}}"#, count: 20))
            .joined(separator: ",") + "]"
        #expect(try rejection(list)?.hasSuffix("Member must have length less than or equal to 20") == true)
    }

    @Test func requiresAParserFirst() throws {
        #expect(
            try rejection(#"[{"deleteKeys":{"withKeys":["a"]}},{"parseJSON":{}}]"#)
                == "First processor in a transformer must be a parser")
    }

    @Test func allowsAtMostFiveParsers() throws {
        let parser = #"{"csv":{"source":"x"}}"#
        let five = "[" + ([#"{"parseJSON":{}}"#] + Array(repeating: parser, count: 4)).joined(separator: ",") + "]"
        let six = "[" + ([#"{"parseJSON":{}}"#] + Array(repeating: parser, count: 5)).joined(separator: ",") + "]"
        #expect(try rejection(five) == nil)
        #expect(try rejection(six) == "A transformer cannot have more than 5 parser-type processors")
    }

    @Test func allowsOnlyOneGrokAddKeysAndCopyValue() throws {
        #expect(
            try rejection(#"[{"grok":{"match":"%{WORD:a}"}},{"grok":{"match":"%{WORD:b}","source":"a"}}]"#)
                == "Only one grok processor is allowed in a transformer")
        let addKeys = #"{"addKeys":{"entries":[{"key":"a","value":"b"}]}}"#
        #expect(
            try rejection("[{\"parseJSON\":{}},\(addKeys),\(addKeys)]")
                == "Only one addKeys processor is allowed in a transformer")
        let copyValue = #"{"copyValue":{"entries":[{"source":"a","target":"b"}]}}"#
        #expect(
            try rejection("[{\"parseJSON\":{}},\(copyValue),\(copyValue)]")
                == "Only one copyValue processor is allowed in a transformer")
    }

    @Test func vendedParsersMustBeFirstAndSingle() throws {
        #expect(
            try rejection(#"[{"parseJSON":{}},{"parseWAF":{}}]"#)
                == "AWS vended log parser must be the first processor in a transformer")
        #expect(
            try rejection(#"[{"parseVPC":{}},{"parseRoute53":{}}]"#)
                == "Only one vended log parser is allowed in a transformer")
        #expect(
            try rejection(#"[{"parseWAF":{"source":"msg"}}]"#)?.hasPrefix("The source of parseWAF can only be @message")
                == true)
        #expect(try rejection(#"[{"parseWAF":{"source":"@message"}}]"#) == nil)
    }

    @Test func parseJSONFirstMustReadTheMessage() throws {
        #expect(
            try rejection(#"[{"parseJSON":{"source":"body"}}]"#)?
                .hasPrefix("When parseJSON is the first processor, its source must be @message") == true)
        #expect(try rejection(#"[{"parseJSON":{"source":"@message"}},{"parseJSON":{"source":"body"}}]"#) == nil)
    }

    @Test func eachProcessorSetsExactlyOneMember() throws {
        #expect(
            try rejection(#"[{"parseJSON":{},"csv":{}}]"#)
                == "Each processor must set exactly one processor type; transformerConfig.1 sets 2 (csv, parseJSON)")
        #expect(try rejection(#"[{}]"#)?.contains("sets 0 (none)") == true)
    }

    @Test func limitsEntryCounts() throws {
        let entries = (1...6).map { #"{"key":"k\#($0)","value":"v"}"# }.joined(separator: ",")
        let message = try #require(try rejection("[{\"parseJSON\":{}},{\"addKeys\":{\"entries\":[\(entries)]}}]"))
        #expect(message.hasPrefix("1 validation error detected: Value '[{\"key\":\"k1\""))
        #expect(
            message.hasSuffix(
                "at 'transformerConfig.2.member.addKeys.entries' failed to satisfy constraint: "
                    + "Member must have length less than or equal to 5"))
        let keys = (1...11).map { "\"k\($0)\"" }.joined(separator: ",")
        #expect(
            try rejection("[{\"parseJSON\":{}},{\"trimString\":{\"withKeys\":[\(keys)]}}]")?
                .contains("'transformerConfig.2.member.trimString.withKeys'") == true)
    }

    @Test func reportsEveryConstraintViolation() throws {
        let message = try rejection(
            #"[{"parseJSON":{}},{"typeConverter":{"entries":[{"key":"a","type":"int"},{"type":"string"}]}}]"#)
        #expect(
            message == "2 validation errors detected: Value 'int' at 'transformerConfig.2.member.typeConverter.entries."
                + "1.member.type' failed to satisfy constraint: Member must satisfy enum value set: "
                + "[boolean, integer, double, string]; Value null at 'transformerConfig.2.member.typeConverter."
                + "entries.2.member.key' failed to satisfy constraint: Member must not be null")
    }

    @Test func limitsStringLengths() throws {
        let long = String(repeating: "v", count: 257)
        #expect(
            try rejection("[{\"parseJSON\":{}},{\"addKeys\":{\"entries\":[{\"key\":\"a\",\"value\":\"\(long)\"}]}}]")
                == "1 validation error detected: Value '\(long)' at 'transformerConfig.2.member.addKeys.entries.1."
                + "member.value' failed to satisfy constraint: Member must have length less than or equal to 256")
        #expect(
            try rejection(#"[{"grok":{"match":""}}]"#)?
                .contains("Member must have length greater than or equal to 1") == true)
    }

    @Test func limitsNestedKeyDepthToThree() throws {
        #expect(try rejection(#"[{"parseJSON":{}},{"deleteKeys":{"withKeys":["a.b.c"]}}]"#) == nil)
        #expect(
            try rejection(#"[{"parseJSON":{}},{"deleteKeys":{"withKeys":["a.b.c.d"]}}]"#)
                == "The nested key depth of 'a.b.c.d' at 'transformerConfig.2.member.deleteKeys.withKeys.1.member' "
                + "exceeds the maximum of 3")
        #expect(try rejection(#"[{"parseJSON":{"destination":"a.b.c.d"}}]"#)?.contains("nested key depth") == true)
    }

    @Test func listToMapFlattenNeedsFlattenedElement() throws {
        #expect(
            try rejection(#"[{"parseJSON":{}},{"listToMap":{"source":"l","key":"k","flatten":true}}]"#)
                == "flattenedElement is required when flatten is true (at 'transformerConfig.2.member.listToMap')")
        #expect(
            try rejection(#"[{"parseJSON":{}},{"listToMap":{"source":"l","key":"k","flattenedElement":"middle"}}]"#)?
                .hasSuffix("Member must satisfy enum value set: [first, last]") == true)
    }

    @Test func parseToOCSFIsValidatedAgainstTheModel() throws {
        #expect(try rejection(#"[{"parseToOCSF":{"eventSource":"VPCFlow","ocsfVersion":"V1.1"}}]"#) == nil)
        #expect(
            try rejection(
                #"[{"parseToOCSF":{"eventSource":"CloudTrail","ocsfVersion":"V1.5","mappingVersion":"v1.5.0"}}]"#)?
                .hasSuffix(#"Member must satisfy regular expression pattern: ^\d+\.\d+(\.\d+)?$"#) == true)
        #expect(
            try rejection(#"[{"parseToOCSF":{"eventSource":"Nope"}}]"#)?.hasPrefix("2 validation errors detected")
                == true)
        #expect(
            try rejection(#"[{"parseJSON":{}},{"parseToOCSF":{"eventSource":"VPCFlow","ocsfVersion":"V1.5"}}]"#)
                == "parseToOCSF processor must be the first processor in a transformer")
    }

    @Test func csvDelimiterIsOneCharacterOrAnEscape() throws {
        #expect(try rejection(#"[{"csv":{"delimiter":"\\t"}}]"#) == nil)
        #expect(try rejection(#"[{"csv":{"delimiter":";;"}}]"#)?.hasPrefix("The csv delimiter must be") == true)
    }

    @Test func rejectsBadRegexesTimeZonesAndBackreferences() throws {
        #expect(
            try rejection(#"[{"parseJSON":{}},{"substituteString":{"entries":[{"source":"a","from":"(","to":"x"}]}}]"#)?
                .hasPrefix("Invalid regular expression '('") == true)
        let to = (1...11).map { "$\($0 % 10)" }.joined()
        #expect(
            try rejection(
                "[{\"parseJSON\":{}},{\"substituteString\":{\"entries\":[{\"source\":\"a\",\"from\":\"x\",\"to\":\"\(to)\"}]}}]"
            )?.contains("more than 10 backreferences") == true)
        #expect(
            try rejection(
                #"[{"parseJSON":{}},{"dateTimeConverter":{"source":"a","target":"b","matchPatterns":["yyyy"],"sourceTimezone":"Mars/Base"}}]"#
            ) == "Unknown time zone 'Mars/Base' in dateTimeConverter sourceTimezone")
    }

    /// Foundation traps when it formats a date in a locale named by some non-ASCII identifiers (`é`): the locale
    /// must be a language tag, so such a configuration is refused instead of stopping the server at its first event.
    @Test func refusesLocalesThatAreNotLanguageTags() throws {
        func config(_ locale: String) -> String {
            #"[{"parseJSON":{}},{"dateTimeConverter":{"source":"a","target":"b","matchPatterns":["yyyy"],"locale":""#
                + locale + #""}}]"#
        }
        for (written, locale) in [
            ("é", "é"), ("\\u00e9", "é"), ("日本", "日本"), ("ß", "ß"), ("en_USé", "en_USé"), ("a b", "a b"),
            (String(repeating: "a", count: 65), String(repeating: "a", count: 65)),
        ] {
            #expect(try rejection(config(written)) == "Unknown locale '\(locale)' in dateTimeConverter locale")
        }
        for locale in ["en-US", "de_DE", "fr", "en_US_POSIX", "de_DE@calendar=gregorian", "Locale.ROOT"] {
            #expect(try !run(config(locale), #"{"a":"2024"}"#).failed, "locale \(locale)")
        }
    }
}
