/// One element of `transformerConfig`: exactly one member is set (``TransformerConfiguration`` checks
/// that). Codable with the member names of the CloudWatch Logs API model (`Processor` shape).
///
/// Every member of every processor is optional in Swift, required ones included, so that a missing
/// required member is reported by ``TransformerConfiguration/init(_:)`` with AWS's constraint wording
/// instead of a decoding error.
public struct Processor: Codable, Sendable, Equatable {
    public var addKeys: AddKeys?
    public var copyValue: CopyValue?
    public var csv: CSV?
    public var dateTimeConverter: DateTimeConverter?
    public var deleteKeys: DeleteKeys?
    public var grok: Grok?
    public var listToMap: ListToMap?
    public var lowerCaseString: LowerCaseString?
    public var moveKeys: MoveKeys?
    public var parseCloudfront: ParseCloudfront?
    public var parseJSON: ParseJSON?
    public var parseKeyValue: ParseKeyValue?
    public var parseRoute53: ParseRoute53?
    public var parseToOCSF: ParseToOCSF?
    public var parsePostgres: ParsePostgres?
    public var parseVPC: ParseVPC?
    public var parseWAF: ParseWAF?
    public var renameKeys: RenameKeys?
    public var splitString: SplitString?
    public var substituteString: SubstituteString?
    public var trimString: TrimString?
    public var typeConverter: TypeConverter?
    public var upperCaseString: UpperCaseString?

    public init(
        addKeys: AddKeys? = nil, copyValue: CopyValue? = nil, csv: CSV? = nil,
        dateTimeConverter: DateTimeConverter? = nil, deleteKeys: DeleteKeys? = nil, grok: Grok? = nil,
        listToMap: ListToMap? = nil, lowerCaseString: LowerCaseString? = nil, moveKeys: MoveKeys? = nil,
        parseCloudfront: ParseCloudfront? = nil, parseJSON: ParseJSON? = nil, parseKeyValue: ParseKeyValue? = nil,
        parseRoute53: ParseRoute53? = nil, parseToOCSF: ParseToOCSF? = nil, parsePostgres: ParsePostgres? = nil,
        parseVPC: ParseVPC? = nil, parseWAF: ParseWAF? = nil, renameKeys: RenameKeys? = nil,
        splitString: SplitString? = nil, substituteString: SubstituteString? = nil, trimString: TrimString? = nil,
        typeConverter: TypeConverter? = nil, upperCaseString: UpperCaseString? = nil
    ) {
        self.addKeys = addKeys
        self.copyValue = copyValue
        self.csv = csv
        self.dateTimeConverter = dateTimeConverter
        self.deleteKeys = deleteKeys
        self.grok = grok
        self.listToMap = listToMap
        self.lowerCaseString = lowerCaseString
        self.moveKeys = moveKeys
        self.parseCloudfront = parseCloudfront
        self.parseJSON = parseJSON
        self.parseKeyValue = parseKeyValue
        self.parseRoute53 = parseRoute53
        self.parseToOCSF = parseToOCSF
        self.parsePostgres = parsePostgres
        self.parseVPC = parseVPC
        self.parseWAF = parseWAF
        self.renameKeys = renameKeys
        self.splitString = splitString
        self.substituteString = substituteString
        self.trimString = trimString
        self.typeConverter = typeConverter
        self.upperCaseString = upperCaseString
    }

    /// The model names of the members that are set, in model order.
    public var memberNames: [String] {
        let members: [(String, Bool)] = [
            ("addKeys", addKeys != nil), ("copyValue", copyValue != nil), ("csv", csv != nil),
            ("dateTimeConverter", dateTimeConverter != nil), ("deleteKeys", deleteKeys != nil),
            ("grok", grok != nil), ("listToMap", listToMap != nil), ("lowerCaseString", lowerCaseString != nil),
            ("moveKeys", moveKeys != nil), ("parseCloudfront", parseCloudfront != nil),
            ("parseJSON", parseJSON != nil), ("parseKeyValue", parseKeyValue != nil),
            ("parseRoute53", parseRoute53 != nil), ("parseToOCSF", parseToOCSF != nil),
            ("parsePostgres", parsePostgres != nil), ("parseVPC", parseVPC != nil), ("parseWAF", parseWAF != nil),
            ("renameKeys", renameKeys != nil), ("splitString", splitString != nil),
            ("substituteString", substituteString != nil), ("trimString", trimString != nil),
            ("typeConverter", typeConverter != nil), ("upperCaseString", upperCaseString != nil),
        ]
        return members.filter(\.1).map(\.0)
    }
}
