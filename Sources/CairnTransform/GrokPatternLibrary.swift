/// The predefined grok patterns, as regular expressions (ICU syntax) that may reference each other with
/// `%{NAME}` or capture with `%{NAME:field}`.
///
/// These are the standard Logstash definitions (`logstash-patterns-core`, `grok-patterns`), except where AWS's
/// documented examples need otherwise: UNIXPATH also accepts `?`, `=` and `&` (AWS's row matches
/// `/search?q=regex`); TZ is AWS's list; HOSTPORT captures its port as `PORT`; ARN is AWS's own pattern; nested
/// quantifiers that backtrack exponentially (UNIXPATH, URIPROTO) are written without them. Capturing groups in
/// a definition are turned into non-capturing ones when compiled; only `%{NAME:field}` captures.
enum GrokPatternLibrary {
    static let definitions: [String: String] = [
        "USERNAME": #"[a-zA-Z0-9._-]+"#,
        "USER": #"%{USERNAME}"#,
        "INT": #"(?:[+-]?(?:[0-9]+))"#,
        "BASE10NUM": #"(?<![0-9.+-])(?>[+-]?(?:(?:[0-9]+(?:\.[0-9]+)?)|(?:\.[0-9]+)))"#,
        "NUMBER": #"(?:%{BASE10NUM})"#,
        "BASE16NUM": #"(?<![0-9A-Fa-f])(?:[+-]?(?:0x)?(?:[0-9A-Fa-f]+))"#,
        "POSINT": #"\b(?:[1-9][0-9]*)\b"#,
        "NONNEGINT": #"\b(?:[0-9]+)\b"#,
        "WORD": #"\b\w+\b"#,
        "NOTSPACE": #"\S+"#,
        "SPACE": #"\s*"#,
        "DATA": #".*?"#,
        "GREEDYDATA": #".*"#,
        "GREEDYDATA_MULTILINE": #"[\s\S]*"#,
        "QUOTEDSTRING":
            #"(?>(?<!\\)(?>"(?>\\.|[^\\"]+)+"|""|(?>'(?>\\.|[^\\']+)+')|''|(?>`(?>\\.|[^\\`]+)+`)|``))"#,
        "UUID": #"[A-Fa-f0-9]{8}-(?:[A-Fa-f0-9]{4}-){3}[A-Fa-f0-9]{12}"#,
        "URN": #"urn:[0-9A-Za-z][0-9A-Za-z-]{0,31}:(?:%[0-9a-fA-F]{2}|[0-9A-Za-z()+,.:=@;$_!*'/?#-])+"#,
        "ARN":
            #"arn:(?:aws|aws-cn|aws-us-gov):[A-Za-z0-9-]+:[A-Za-z0-9-]+:[A-Za-z0-9-]+:[A-Za-z0-9_+=,.@*-]+(?:[:/][A-Za-z0-9_+=,.@*-]+){0,4}"#,
        // Networking
        "CISCOMAC": #"(?:(?:[A-Fa-f0-9]{4}\.){2}[A-Fa-f0-9]{4})"#,
        "WINDOWSMAC": #"(?:(?:[A-Fa-f0-9]{2}-){5}[A-Fa-f0-9]{2})"#,
        "COMMONMAC": #"(?:(?:[A-Fa-f0-9]{2}:){5}[A-Fa-f0-9]{2})"#,
        "MAC": #"(?:%{CISCOMAC}|%{WINDOWSMAC}|%{COMMONMAC})"#,
        "IPV6": ipv6,
        "IPV4":
            #"(?<![0-9])(?:(?:[0-1]?[0-9]{1,2}|2[0-4][0-9]|25[0-5])[.](?:[0-1]?[0-9]{1,2}|2[0-4][0-9]|25[0-5])[.](?:[0-1]?[0-9]{1,2}|2[0-4][0-9]|25[0-5])[.](?:[0-1]?[0-9]{1,2}|2[0-4][0-9]|25[0-5]))(?![0-9])"#,
        "IP": #"(?:%{IPV6}|%{IPV4})"#,
        "HOSTNAME": #"\b(?:[0-9A-Za-z][0-9A-Za-z-]{0,62})(?:\.(?:[0-9A-Za-z][0-9A-Za-z-]{0,62}))*(\.?|\b)"#,
        "HOST": #"%{HOSTNAME}"#,
        "IPORHOST": #"(?:%{IP}|%{HOSTNAME})"#,
        "HOSTPORT": #"%{IPORHOST}:%{POSINT:PORT}"#,
        // Paths
        "PATH": #"(?:%{UNIXPATH}|%{WINPATH})"#,
        "UNIXPATH": #"(?:/[\w%!$@:.,+~?=&-]*)+"#,
        "TTY": #"(?:/dev/(pts|tty([pq])?)(\w+)?/?(?:[0-9]+))"#,
        "WINPATH": #"(?>[A-Za-z]+:|\\)(?:\\[^\\?*]*)+"#,
        "URIPROTO": #"[A-Za-z][A-Za-z0-9+\-.]+"#,
        "URIHOST": #"%{IPORHOST}(?::%{POSINT:port})?"#,
        "URIPATH": #"(?:/[A-Za-z0-9$.+!*'(){},~:;=@#%&_\-]*)+"#,
        "URIPARAM": #"\?[A-Za-z0-9$.+!*'|(){},~@#%&/=:;_?\-\[\]<>]*"#,
        "URIPATHPARAM": #"%{URIPATH}(?:%{URIPARAM})?"#,
        "URI": #"%{URIPROTO}://(?:%{USER}(?::[^@]*)?@)?(?:%{URIHOST})?(?:%{URIPATHPARAM})?"#,
        // Dates and times
        "MONTH":
            #"\b(?:[Jj]an(?:uary|uar)?|[Ff]eb(?:ruary|ruar)?|[Mm](?:a|ä)?r(?:ch|z)?|[Aa]pr(?:il)?|[Mm]a(?:y|i)?|[Jj]un(?:e|i)?|[Jj]ul(?:y|i)?|[Aa]ug(?:ust)?|[Ss]ep(?:tember)?|[Oo](?:c|k)?t(?:ober)?|[Nn]ov(?:ember)?|[Dd]e(?:c|z)(?:ember)?)\b"#,
        "MONTHNUM": #"(?:0?[1-9]|1[0-2])"#,
        "MONTHNUM2": #"(?:0[1-9]|1[0-2])"#,
        "MONTHDAY": #"(?:(?:0[1-9])|(?:[12][0-9])|(?:3[01])|[1-9])"#,
        "DAY": #"(?:Mon(?:day)?|Tue(?:sday)?|Wed(?:nesday)?|Thu(?:rsday)?|Fri(?:day)?|Sat(?:urday)?|Sun(?:day)?)"#,
        "YEAR": #"(?>\d\d){1,2}"#,
        "HOUR": #"(?:2[0123]|[01]?[0-9])"#,
        "MINUTE": #"(?:[0-5][0-9])"#,
        "SECOND": #"(?:(?:[0-5]?[0-9]|60)(?:[:.,][0-9]+)?)"#,
        "TIME": #"(?<![0-9])%{HOUR}:%{MINUTE}(?::%{SECOND})(?![0-9])"#,
        "DATE_US": #"%{MONTHNUM}[/-]%{MONTHDAY}[/-]%{YEAR}"#,
        "DATE_EU": #"%{MONTHDAY}[./-]%{MONTHNUM}[./-]%{YEAR}"#,
        "ISO8601_TIMEZONE": #"(?:Z|[+-]%{HOUR}(?::?%{MINUTE}))"#,
        "ISO8601_SECOND": #"(?:%{SECOND}|60)"#,
        "TIMESTAMP_ISO8601":
            #"%{YEAR}-%{MONTHNUM}-%{MONTHDAY}[T ]%{HOUR}:?%{MINUTE}(?::?%{SECOND})?%{ISO8601_TIMEZONE}?"#,
        "DATE": #"%{DATE_US}|%{DATE_EU}"#,
        "DATESTAMP": #"%{DATE}[- ]%{TIME}"#,
        "TZ": #"(?:[PMCE][SD]T|UTC)"#,
        "DATESTAMP_RFC822": #"%{DAY} %{MONTH} %{MONTHDAY} %{YEAR} %{TIME} %{TZ}"#,
        "DATESTAMP_RFC2822": #"%{DAY}, %{MONTHDAY} %{MONTH} %{YEAR} %{TIME} %{ISO8601_TIMEZONE}"#,
        "DATESTAMP_OTHER": #"%{DAY} %{MONTH} %{MONTHDAY} %{TIME} %{TZ} %{YEAR}"#,
        "DATESTAMP_EVENTLOG": #"%{YEAR}%{MONTHNUM2}%{MONTHDAY}%{HOUR}%{MINUTE}%{SECOND}"#,
        "HTTPDATE": #"%{MONTHDAY}/%{MONTH}/%{YEAR}:%{TIME} %{INT}"#,
        "LOGLEVEL":
            #"(?:[Aa]lert|ALERT|[Tt]race|TRACE|[Dd]ebug|DEBUG|[Nn]otice|NOTICE|[Ii]nfo|INFO|[Ww]arn?(?:ing)?|WARN?(?:ING)?|[Ee]rr?(?:or)?|ERR?(?:OR)?|[Cc]rit?(?:ical)?|CRIT?(?:ICAL)?|[Ff]atal|FATAL|[Ss]evere|SEVERE|EMERG(?:ENCY)?|[Ee]merg(?:ency)?)"#,
        // Syslog
        "SYSLOGTIMESTAMP": #"%{MONTH} +%{MONTHDAY} %{TIME}"#,
        "PROG": #"[\x21-\x5a\x5c\x5e-\x7e]+"#,
        "SYSLOGPROG": #"%{PROG:program}(?:\[%{POSINT:pid}\])?"#,
        "SYSLOGHOST": #"%{IPORHOST}"#,
        "SYSLOGFACILITY": #"<%{NONNEGINT:facility}\.%{NONNEGINT:priority}>"#,
        // Common log patterns (GrokCommonLogFormat describes their fields)
        "APACHE_ACCESS_LOG": GrokCommonLogFormat.apacheAccessLog,
        "NGINX_ACCESS_LOG": GrokCommonLogFormat.nginxAccessLog,
        "SYSLOG5424": GrokCommonLogFormat.syslog5424,
        "HTTP_REQUEST_LINE": GrokCommonLogFormat.httpRequestLine,
        "SYSLOG5424PRINTASCII": #"[!-~]+"#,
    ]

    private static let ipv6 =
        #"((([0-9A-Fa-f]{1,4}:){7}([0-9A-Fa-f]{1,4}|:))|(([0-9A-Fa-f]{1,4}:){6}(:[0-9A-Fa-f]{1,4}|((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3})|:))|(([0-9A-Fa-f]{1,4}:){5}(((:[0-9A-Fa-f]{1,4}){1,2})|:((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3})|:))|(([0-9A-Fa-f]{1,4}:){4}(((:[0-9A-Fa-f]{1,4}){1,3})|((:[0-9A-Fa-f]{1,4})?:((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}))|:))|(([0-9A-Fa-f]{1,4}:){3}(((:[0-9A-Fa-f]{1,4}){1,4})|((:[0-9A-Fa-f]{1,4}){0,2}:((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}))|:))|(([0-9A-Fa-f]{1,4}:){2}(((:[0-9A-Fa-f]{1,4}){1,5})|((:[0-9A-Fa-f]{1,4}){0,3}:((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}))|:))|(([0-9A-Fa-f]{1,4}:){1}(((:[0-9A-Fa-f]{1,4}){1,6})|((:[0-9A-Fa-f]{1,4}){0,4}:((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}))|:))|(:(((:[0-9A-Fa-f]{1,4}){1,7})|((:[0-9A-Fa-f]{1,4}){0,5}:((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}))|:)))(?:%[0-9A-Za-z._~-]+)?"#
}
