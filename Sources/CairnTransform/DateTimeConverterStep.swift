import Foundation

/// dateTimeConverter: parses `source` with the first of `matchPatterns` that matches (in `locale` and
/// `sourceTimezone`) and writes it to `target` formatted with `targetFormat` in `targetTimezone`. The
/// source stays. A missing or non-string source, or a value no pattern matches, fails the processor.
///
/// Patterns are Java `DateTimeFormatter` patterns; the commonly used letters (y u M d H h m s S a E z Z X
/// and quoted literals) mean the same in the ICU patterns Foundation's `DateFormatter` takes.
struct DateTimeConverterStep: EventStep {
    /// The model's default targetFormat, printed there without the closing quote.
    static let defaultTargetFormat = "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'"
    /// The model's default locale, `Locale.ROOT`.
    static let rootLocale = "en_US_POSIX"

    let source: FieldPath
    let target: FieldPath
    let parsers: [DateFormatter]
    let formatter: DateFormatter

    init(_ member: Processor.DateTimeConverter) throws(TransformerConfigurationError) {
        source = FieldPath(member.source ?? "")
        target = FieldPath(member.target ?? "")
        let locale = Locale(identifier: try Self.localeIdentifier(member.locale))
        let sourceZone = try Self.timeZone(member.sourceTimezone, member: "sourceTimezone")
        let targetZone = try Self.timeZone(member.targetTimezone, member: "targetTimezone")
        parsers = (member.matchPatterns ?? []).map { Self.formatter($0, locale: locale, timeZone: sourceZone) }
        formatter = Self.formatter(
            Self.closingQuote(member.targetFormat ?? Self.defaultTargetFormat), locale: locale, timeZone: targetZone)
    }

    func apply(to event: inout JSONObject, input: EventInput) throws(ProcessorFailure) {
        let text = try sourceText(source, in: event, input: input)
        guard let date = parsers.lazy.compactMap({ $0.date(from: text) }).first else {
            throw ProcessorFailure("'\(text)' matches none of the matchPatterns")
        }
        event.setValue(.string(formatter.string(from: date)), at: target, overwrite: true)
    }

    private static func formatter(_ pattern: String, locale: Locale, timeZone: TimeZone) -> DateFormatter {
        let formatter = DateFormatter()
        formatter.locale = locale
        formatter.timeZone = timeZone
        formatter.calendar = Calendar(identifier: .gregorian)
        formatter.calendar.timeZone = timeZone
        formatter.isLenient = false
        formatter.dateFormat = pattern
        return formatter
    }

    /// `locale.ROOT` (or nothing) means the fixed English POSIX locale; Java's `de-DE` becomes `de_DE`. A locale
    /// is a language tag (`en-US`, `de_DE@calendar=gregorian`): ASCII letters, digits and `_ - @ = ; .`, at most 64
    /// of them. Anything else is refused: Foundation traps when it formats a date in a locale named by some
    /// non-ASCII identifiers (`é`), so such a configuration would stop the server at its first event.
    private static func localeIdentifier(_ locale: String?) throws(TransformerConfigurationError) -> String {
        guard let locale, locale.lowercased() != "locale.root", locale.lowercased() != "root" else {
            return rootLocale
        }
        guard locale.utf8.count <= maximumLocaleLength,
            locale.utf8.allSatisfy({ byte in
                (byte >= 0x30 && byte <= 0x39) || ((byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A)
                    || "_-@=;.".utf8.contains(byte)
            })
        else {
            throw TransformerConfigurationError(message: "Unknown locale '\(locale)' in dateTimeConverter locale")
        }
        return locale.replacingOccurrences(of: "-", with: "_")
    }

    static let maximumLocaleLength = 64

    private static func timeZone(
        _ identifier: String?, member: String
    ) throws(TransformerConfigurationError)
        -> TimeZone
    {
        guard let identifier else { return TimeZone(identifier: "UTC") ?? .gmt }
        guard let zone = TimeZone(identifier: identifier) else {
            throw TransformerConfigurationError(
                message: "Unknown time zone '\(identifier)' in dateTimeConverter \(member)")
        }
        return zone
    }

    /// Repairs a pattern with an unterminated quote, such as the documented default
    /// `yyyy-MM-dd'T'HH:mm:ss.SSS'Z`.
    static func closingQuote(_ pattern: String) -> String {
        pattern.filter { $0 == "'" }.count % 2 == 1 ? pattern + "'" : pattern
    }
}
