/// Finding bytes in bytes, as fast as libc does it: for prefilters outside the filter-pattern language.
public enum ByteSearch {
    /// Whether `needle` occurs in `haystack` (an empty needle always does).
    public static func contains(_ haystack: ArraySlice<UInt8>, _ needle: [UInt8]) -> Bool {
        TermsPattern.contains(haystack, needle)
    }
}
