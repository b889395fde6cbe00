public import CairnProtocol
public import Hummingbird

/// What the middleware chain learns about one AWS request and hands on: its id, the operation it names and in
/// which wire format, its body, and the authenticated caller.
public struct CairnRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// `x-amzn-RequestId`, also in every log line about the request.
    public var requestID = ""
    /// The `X-Amz-Target` the request names (from the header, or the RPC v2 CBOR path).
    public var target = ""
    public var format = WireFormat.json11
    /// The service the target belongs to, when Cairn knows it.
    public var service: AWSService?
    /// The registered operation, when there is one.
    public var operation: Operation?

    /// The body limit of the operation named, or the default one while none is known.
    var maxBodyBytes: Int { operation?.maxBodyBytes ?? Operation.defaultMaxBodyBytes }
    /// The body, within its size limit; decompressed once the signature over the bytes as sent is verified.
    public var body: [UInt8] = []
    /// Set by authentication.
    public var caller: Caller?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }
}
