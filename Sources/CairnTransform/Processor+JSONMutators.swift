extension Processor {
    /// Adds keys with string values (model shape `AddKeys`).
    public struct AddKeys: Codable, Sendable, Equatable {
        public var entries: [Entry]?
        public init(entries: [Entry]? = nil) { self.entries = entries }

        /// Model shape `AddKeyEntry`.
        public struct Entry: Codable, Sendable, Equatable {
            public var key: String?
            public var value: String?
            public var overwriteIfExists: Bool?
            public init(key: String? = nil, value: String? = nil, overwriteIfExists: Bool? = nil) {
                self.key = key
                self.value = value
                self.overwriteIfExists = overwriteIfExists
            }
        }
    }

    /// Deletes keys (model shape `DeleteKeys`).
    public struct DeleteKeys: Codable, Sendable, Equatable {
        public var withKeys: [String]?
        public init(withKeys: [String]? = nil) { self.withKeys = withKeys }
    }

    /// A source/target pair used by moveKeys (`MoveKeyEntry`) and copyValue (`CopyValueEntry`).
    public struct SourceTargetEntry: Codable, Sendable, Equatable {
        public var source: String?
        public var target: String?
        public var overwriteIfExists: Bool?
        public init(source: String? = nil, target: String? = nil, overwriteIfExists: Bool? = nil) {
            self.source = source
            self.target = target
            self.overwriteIfExists = overwriteIfExists
        }
    }

    /// Moves keys (model shape `MoveKeys`).
    public struct MoveKeys: Codable, Sendable, Equatable {
        public var entries: [SourceTargetEntry]?
        public init(entries: [SourceTargetEntry]? = nil) { self.entries = entries }
    }

    /// Copies values (model shape `CopyValue`).
    public struct CopyValue: Codable, Sendable, Equatable {
        public var entries: [SourceTargetEntry]?
        public init(entries: [SourceTargetEntry]? = nil) { self.entries = entries }
    }

    /// Renames keys (model shape `RenameKeys`; the user guide's `target` is `renameTo` in the model).
    public struct RenameKeys: Codable, Sendable, Equatable {
        public var entries: [Entry]?
        public init(entries: [Entry]? = nil) { self.entries = entries }

        /// Model shape `RenameKeyEntry`.
        public struct Entry: Codable, Sendable, Equatable {
            public var key: String?
            public var renameTo: String?
            public var overwriteIfExists: Bool?
            public init(key: String? = nil, renameTo: String? = nil, overwriteIfExists: Bool? = nil) {
                self.key = key
                self.renameTo = renameTo
                self.overwriteIfExists = overwriteIfExists
            }
        }
    }

    /// Turns a list of objects into a map (model shape `ListToMap`).
    public struct ListToMap: Codable, Sendable, Equatable {
        public var source: String?
        public var key: String?
        public var valueKey: String?
        public var target: String?
        public var flatten: Bool?
        /// `first` or `last`; required when `flatten` is true.
        public var flattenedElement: String?
        public init(
            source: String? = nil, key: String? = nil, valueKey: String? = nil, target: String? = nil,
            flatten: Bool? = nil, flattenedElement: String? = nil
        ) {
            self.source = source
            self.key = key
            self.valueKey = valueKey
            self.target = target
            self.flatten = flatten
            self.flattenedElement = flattenedElement
        }
    }
}
