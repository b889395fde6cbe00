extension Processor {
    /// Parses a JSON log event (model shape `ParseJSON`).
    public struct ParseJSON: Codable, Sendable, Equatable {
        public var source: String?
        public var destination: String?
        public init(source: String? = nil, destination: String? = nil) {
            self.source = source
            self.destination = destination
        }
    }

    /// Matches a grok expression (model shape `Grok`; `match` is required).
    public struct Grok: Codable, Sendable, Equatable {
        public var source: String?
        public var match: String?
        public init(source: String? = nil, match: String? = nil) {
            self.source = source
            self.match = match
        }
    }

    /// Splits delimiter-separated values (model shape `CSV`).
    public struct CSV: Codable, Sendable, Equatable {
        public var quoteCharacter: String?
        public var delimiter: String?
        public var columns: [String]?
        public var source: String?
        public var destination: String?
        public init(
            quoteCharacter: String? = nil, delimiter: String? = nil, columns: [String]? = nil,
            source: String? = nil, destination: String? = nil
        ) {
            self.quoteCharacter = quoteCharacter
            self.delimiter = delimiter
            self.columns = columns
            self.source = source
            self.destination = destination
        }
    }

    /// Parses `key=value&key=value` text (model shape `ParseKeyValue`).
    public struct ParseKeyValue: Codable, Sendable, Equatable {
        public var source: String?
        public var destination: String?
        public var fieldDelimiter: String?
        public var keyValueDelimiter: String?
        public var keyPrefix: String?
        public var nonMatchValue: String?
        public var overwriteIfExists: Bool?
        public init(
            source: String? = nil, destination: String? = nil, fieldDelimiter: String? = nil,
            keyValueDelimiter: String? = nil, keyPrefix: String? = nil, nonMatchValue: String? = nil,
            overwriteIfExists: Bool? = nil
        ) {
            self.source = source
            self.destination = destination
            self.fieldDelimiter = fieldDelimiter
            self.keyValueDelimiter = keyValueDelimiter
            self.keyPrefix = keyPrefix
            self.nonMatchValue = nonMatchValue
            self.overwriteIfExists = overwriteIfExists
        }
    }

    /// Converts logs to OCSF (model shape `ParseToOCSF`; `eventSource` and `ocsfVersion` are required).
    public struct ParseToOCSF: Codable, Sendable, Equatable {
        public var source: String?
        public var eventSource: String?
        public var ocsfVersion: String?
        public var mappingVersion: String?
        public init(
            source: String? = nil, eventSource: String? = nil, ocsfVersion: String? = nil,
            mappingVersion: String? = nil
        ) {
            self.source = source
            self.eventSource = eventSource
            self.ocsfVersion = ocsfVersion
            self.mappingVersion = mappingVersion
        }
    }

    /// The configuration of the built-in parsers for AWS vended logs: only `source`, which must be
    /// `@message` when given (model shapes `ParseCloudfront`, `ParseVPC`, `ParseRoute53`, `ParsePostgres`,
    /// `ParseWAF`).
    public struct VendedParser: Codable, Sendable, Equatable {
        public var source: String?
        public init(source: String? = nil) {
            self.source = source
        }
    }

    public typealias ParseCloudfront = VendedParser
    public typealias ParseVPC = VendedParser
    public typealias ParseRoute53 = VendedParser
    public typealias ParsePostgres = VendedParser
    public typealias ParseWAF = VendedParser
}
