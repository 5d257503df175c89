import Testing
@testable import GatewayConfig

/// `H:P` as the file and the command line write it.
@Suite("HostPort")
struct HostPortTests {
    @Test("parses host:port and [ipv6]:port, and prints them back", arguments: [
        ("0.0.0.0:9212", "0.0.0.0", 9212),
        ("127.0.0.1:8212", "127.0.0.1", 8212),
        ("gateway.example.cn:1", "gateway.example.cn", 1),
        ("localhost:65535", "localhost", 65535),
        ("[::1]:9212", "::1", 9212),
        ("[::]:9212", "::", 9212),
        ("[2001:db8::1]:443", "2001:db8::1", 443),
        ("[fe80::1%eth0]:9212", "fe80::1%eth0", 9212),
    ])
    func parses(_ text: String, _ host: String, _ port: Int) throws {
        let value = try #require(HostPort(text))
        #expect(value.host == host)
        #expect(value.port == port)
        #expect(value.description == text)
        #expect(HostPort(value.description) == value)
    }

    @Test("refuses what is not host:port", arguments: [
        "", "9212", ":9212", "0.0.0.0:", "0.0.0.0:65536", "0.0.0.0:-1", "0.0.0.0:92a",
        "::1:9212", "[::1]", "[::1:9212", "[]:9212", "host name:80", "0.0.0.0:+80",
    ])
    func refuses(_ text: String) {
        #expect(HostPort(text) == nil)
    }

    @Test("IPv6 hosts print in brackets")
    func descriptionBrackets() {
        #expect(HostPort(host: "::1", port: 9212).description == "[::1]:9212")
        #expect(HostPort(host: "10.0.0.1", port: 9212).description == "10.0.0.1:9212")
    }
}
