import Testing

@testable import CairnLogs

struct OutboundAddressTests {
    @Test(arguments: [
        "127.0.0.1", "127.1.2.3", "10.0.0.5", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254",
        "100.64.0.1", "0.0.0.0", "224.0.0.1", "255.255.255.255", "::1", "::", "[::1]", "fe80::1", "fe80::1%eth0",
        "fc00::1", "fd12:3456::1", "ff02::1", "::ffff:127.0.0.1", "::ffff:169.254.169.254", "::ffff:7f00:1",
        "2002:7f00:1::", "64:ff9b::10.0.0.1", "fec0::1", "not an address", "1.2.3", "1.2.3.256", "01234.1.1.1",
    ])
    func internalAddresses(_ address: String) {
        #expect(OutboundAddress.isInternal(address))
    }

    @Test(arguments: [
        "8.8.8.8", "1.1.1.1", "172.15.0.1", "172.32.0.1", "192.169.0.1", "100.128.0.1", "2001:4860:4860::8888",
        "[2606:4700::1111]", "::ffff:8.8.8.8", "2002:808:808::",
    ])
    func publicAddresses(_ address: String) {
        #expect(!OutboundAddress.isInternal(address))
    }

    @Test func ipv6Forms() {
        #expect(OutboundAddress.ipv6("::ffff:1.2.3.4") == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 1, 2, 3, 4])
        #expect(OutboundAddress.ipv6("1:2:3:4:5:6:7:8")?.count == 16)
        #expect(OutboundAddress.ipv6("1:2:3:4:5:6:7:8:9") == nil)
        #expect(OutboundAddress.ipv6("1::2::3") == nil)
        #expect(OutboundAddress.ipv6("12345::") == nil)
    }
}
