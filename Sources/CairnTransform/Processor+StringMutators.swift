extension Processor {
    /// The `withKeys` list of lowerCaseString, upperCaseString and trimString.
    public struct WithKeys: Codable, Sendable, Equatable {
        public var withKeys: [String]?
        public init(withKeys: [String]? = nil) { self.withKeys = withKeys }
    }

    public typealias LowerCaseString = WithKeys
    public typealias UpperCaseString = WithKeys
    public typealias TrimString = WithKeys

    /// Splits strings into arrays (model shape `SplitString`).
    public struct SplitString: Codable, Sendable, Equatable {
        public var entries: [Entry]?
        public init(entries: [Entry]? = nil) { self.entries = entries }

        /// Model shape `SplitStringEntry`.
        public struct Entry: Codable, Sendable, Equatable {
            public var source: String?
            public var delimiter: String?
            public init(source: String? = nil, delimiter: String? = nil) {
                self.source = source
                self.delimiter = delimiter
            }
        }
    }

    /// Regular-expression replacement (model shape `SubstituteString`).
    public struct SubstituteString: Codable, Sendable, Equatable {
        public var entries: [Entry]?
        public init(entries: [Entry]? = nil) { self.entries = entries }

        /// Model shape `SubstituteStringEntry`.
        public struct Entry: Codable, Sendable, Equatable {
            public var source: String?
            public var from: String?
            public var to: String?
            public init(source: String? = nil, from: String? = nil, to: String? = nil) {
                self.source = source
                self.from = from
                self.to = to
            }
        }
    }

    /// Converts value types (model shape `TypeConverter`).
    public struct TypeConverter: Codable, Sendable, Equatable {
        public var entries: [Entry]?
        public init(entries: [Entry]? = nil) { self.entries = entries }

        /// Model shape `TypeConverterEntry`; `type` is one of boolean, integer, double, string.
        public struct Entry: Codable, Sendable, Equatable {
            public var key: String?
            public var type: String?
            public init(key: String? = nil, type: String? = nil) {
                self.key = key
                self.type = type
            }
        }
    }

    /// Reformats date/time strings (model shape `DateTimeConverter`).
    public struct DateTimeConverter: Codable, Sendable, Equatable {
        public var source: String?
        public var target: String?
        public var targetFormat: String?
        public var matchPatterns: [String]?
        public var sourceTimezone: String?
        public var targetTimezone: String?
        public var locale: String?
        public init(
            source: String? = nil, target: String? = nil, targetFormat: String? = nil,
            matchPatterns: [String]? = nil, sourceTimezone: String? = nil, targetTimezone: String? = nil,
            locale: String? = nil
        ) {
            self.source = source
            self.target = target
            self.targetFormat = targetFormat
            self.matchPatterns = matchPatterns
            self.sourceTimezone = sourceTimezone
            self.targetTimezone = targetTimezone
            self.locale = locale
        }
    }
}
