import Foundation
import HJ212
import Testing
@testable import GatewayConfig

/// Secrets come from the file or the environment and never print.
@Suite("Secrets")
struct SecretTests {
    static let plaintext = "s3cr3t-Pw"

    @Test("a Secret prints as *** however it is printed")
    func neverPrints() {
        let secret = Secret(Self.plaintext)
        #expect(secret.value == Self.plaintext)
        #expect(String(describing: secret) == "***")
        #expect(String(reflecting: secret) == "***")
        #expect("\(secret)" == "***")
        #expect(secret.description == "***")
        #expect(secret.debugDescription == "***")
        var dumped = ""
        dump(secret, to: &dumped)
        #expect(!dumped.contains(Self.plaintext))
        #expect(dumped.contains("***"))
        #expect(!String(describing: Optional(secret)).contains(Self.plaintext))
        #expect(!String(describing: [secret]).contains(Self.plaintext))
    }

    @Test("no secret reaches the printed configuration, registry or errors")
    func configurationDoesNotLeak() throws {
        let key = "00112233445566778899AABBCCDDEEFF"
        let yaml = """
        enterprises:
          - id: E1
            name: 甲
            outlets:
              - id: DA001
                name: 烟囱
                medium: gas
                devices:
                  - { mn: M1, password: "\(Self.plaintext)", edition: "2025", sm4_key: \(key) }
        """
        let configuration = try parsed(yaml)
        for text in [String(describing: configuration), String(reflecting: configuration), "\(configuration.registry)"] {
            #expect(!text.contains(Self.plaintext))
            #expect(!text.contains(key))
        }
        var dumped = ""
        dump(configuration, to: &dumped)
        #expect(!dumped.contains(Self.plaintext))
        #expect(!dumped.contains(key))
        #expect(configuration.registry["M1"]?.password.value == Self.plaintext)

        // A password refused for its content is not quoted back.
        let refused = issues(yaml.replacingOccurrences(of: Self.plaintext, with: "pw;\(Self.plaintext)"))
        #expect(!refused.map(\.description).joined().contains(Self.plaintext))
    }

    @Test("env:NAME secrets are read from the injected environment")
    func environmentSecrets() throws {
        let key = "0123456789abcdef0123456789ABCDEF"
        let yaml = """
        enterprises:
          - id: E1
            name: 甲
            outlets:
              - id: DA001
                name: 烟囱
                medium: gas
                devices:
                  - mn: M1
                    password: env:M1_PW
                    edition: "2025"
                    sm4_key: env:M1_KEY
        """
        let configuration = try parsed(yaml, environment: ["M1_PW": Self.plaintext, "M1_KEY": key])
        let device = try #require(configuration.registry["M1"])
        #expect(device.password.value == Self.plaintext)
        #expect(device.password.reference == "env:M1_PW")
        #expect(device.sm4Key == SM4Key(hex: key))
        #expect(configuration.enterprises[0].outlets[0].devices[0].sm4Key?.value == key)
        // Written back as the reference, not the value.
        let written = configuration.yaml()
        #expect(written.contains("env:M1_PW"))
        #expect(!written.contains(Self.plaintext))
        #expect(!written.contains(key))
    }

    @Test("env:NAME fails clearly when the variable is unset, empty, or holds a bad key")
    func environmentFailures() {
        let yaml = """
        enterprises:
          - id: E1
            name: 甲
            outlets:
              - id: DA001
                name: 烟囱
                medium: gas
                devices:
                  - mn: M1
                    password: env:M1_PW
                    edition: "2025"
                    sm4_key: env:M1_KEY
                  - { mn: M2, password: "env:" }
        """
        let unset = issues(yaml, environment: [:])
        #expect(unset.count == 3)
        let password = issue(at: "enterprises[0].outlets[0].devices[0].password", in: unset)
        #expect(password?.line == 10)
        #expect(password?.message == "the environment variable M1_PW is not set (the value is written env:M1_PW); set it before starting the gateway")
        #expect(issue(at: "enterprises[0].outlets[0].devices[0].sm4_key", in: unset)?.message.contains("M1_KEY is not set") == true)
        #expect(issue(at: "enterprises[0].outlets[0].devices[1].password", in: unset)?.message.contains("names no environment variable") == true)

        let badKey = issues(yaml, environment: ["M1_PW": "", "M1_KEY": "not-a-key-at-all-but-32-chars-xx"])
        #expect(issue(at: "enterprises[0].outlets[0].devices[0].password", in: badKey)?.message.contains("M1_PW is set but empty") == true)
        let key = issue(at: "enterprises[0].outlets[0].devices[0].sm4_key", in: badKey)
        #expect(key?.message == "the value of env:M1_KEY must be 32 hex digits (16 bytes); it contains characters other than 0-9 and A-F")
    }

    @Test("a postgres password is masked when the storage is printed")
    func postgresMasked() throws {
        let configuration = try parsed("storage: { postgres: \"postgres://hj212:\(Self.plaintext)@db:5432/hj212\" }\n")
        #expect(String(describing: configuration.storage) == "postgres:postgres://hj212:***@db:5432/hj212")
        #expect(!String(describing: configuration).contains(Self.plaintext))
        #expect(String(describing: StorageConfiguration.postgres(url: "postgres://db/hj212")) == "postgres:postgres://db/hj212")
        #expect(String(describing: StorageConfiguration.sqlite(path: "a.sqlite")) == "sqlite:a.sqlite")
    }
}
