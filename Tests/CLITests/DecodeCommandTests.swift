import Foundation
import Testing

/// `hj212 decode` end to end: the built binary, real files, JSON Lines out.
@Suite("hj212 decode")
struct DecodeCommandTests {
    static let samples = CLIRunner.repositoryRoot.appendingPathComponent("Tests/HJ212Tests/Fixtures/samples.txt").path
    static let examples2025 = CLIRunner.repositoryRoot.appendingPathComponent("Tests/HJ212Tests/Fixtures/hj212-2025-examples.txt").path

    /// The recorded CRC verdicts of samples.txt, in order.
    static func recordedVerdicts() throws -> [Bool] {
        let text = try String(contentsOfFile: samples, encoding: .utf8)
        return text.split(separator: "\n").compactMap { line in
            guard line.hasPrefix("# crc: ") else { return nil }
            return line.hasSuffix("ok")
        }
    }

    @Test("every sample frame gets its recorded CRC verdict")
    func samplesVerdicts() throws {
        let result = try CLIRunner.run(["decode", Self.samples, "--format", "json"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let frames = try CLIRunner.jsonLines(result.stdout)
        let verdicts = try Self.recordedVerdicts()
        #expect(frames.count == verdicts.count)
        for (frame, crcOK) in zip(frames, verdicts) {
            let problems = (frame["problems"] as? [[String: Any]]) ?? []
            let crcMismatch = problems.contains { $0["code"] as? String == "crc_mismatch" }
            #expect(crcMismatch == !crcOK, "frame \(frame["mn"] ?? "?") CN \(frame["cn"] ?? "?")")
            #expect((frame["ok"] as? Bool) == crcOK)
            for problem in problems {
                #expect((problem["message"] as? String)?.isEmpty == false)
                #expect(problem["code"] is String)
            }
        }
    }

    @Test("the JSON carries the header, data time with offset and readings")
    func jsonContent() throws {
        let frame = "##0285QN=20190925181031464;ST=22;CN=2061;PW=BF470F88957588DE902D1A52;MN=Z13401000010301;Flag=5;CP=&&DataTime=20190924220000;a34006-Avg=2.69700,a34006-Flag=N;a34007-Avg=7.96600,a34007-Flag=N;a34048-Avg=3.30600,a34048-Flag=N;a34047-Avg=7.35700,a34047-Flag=N;a34049-Avg=10.66300,a34049-Flag=N&&C181\n"
        let result = try CLIRunner.run(["decode", "-", "--format", "json"], input: Data(frame.utf8))
        let object = try #require(try CLIRunner.jsonLines(result.stdout).first)
        #expect(object["ok"] as? Bool == true)
        #expect(object["edition"] as? String == "2017")
        #expect(object["qn"] as? String == "20190925181031464")
        #expect(object["st"] as? String == "22")
        #expect(object["cn"] as? String == "2061")
        #expect(object["mn"] as? String == "Z13401000010301")
        #expect(object["flag"] as? Int == 5)
        #expect(object["pnum"] is NSNull)
        #expect(object["rf"] is NSNull)
        #expect(object["data_time"] as? String == "2019-09-24T22:00:00+08:00")
        let readings = try #require(object["readings"] as? [[String: Any]])
        #expect(readings.count == 5)
        #expect(readings[0]["pollutant"] as? String == "a34006")
        #expect(readings[0]["raw_code"] as? String == "a34006")
        #expect(readings[0]["avg"] as? Double == 2.697)
        #expect(readings[0]["rtd"] is NSNull)
        #expect(readings[0]["flag"] as? String == "N")
        #expect(readings[4]["avg"] as? Double == 10.663)
    }

    @Test("2005 frames: old codes mapped, raw code kept, Flag-less frames read as 2005")
    func edition2005() throws {
        let frame = "##0139ST=32;CN=2011;PW=123456;MN=LD130133000015;CP=&&DataTime=20160824003817000;B01-Rtd=36.91;011-Rtd=231.0,011-Flag=N;060-Rtd=1.803,060-Flag=N&&4980\n"
        let result = try CLIRunner.run(["decode", "--format", "json"], input: Data(frame.utf8))
        let object = try #require(try CLIRunner.jsonLines(result.stdout).first)
        #expect(object["edition"] as? String == "2005")
        #expect(object["flag"] is NSNull)
        let problems = try #require(object["problems"] as? [[String: Any]])
        #expect(problems.contains { $0["code"] as? String == "missing_flag" })
        #expect(object["data_time"] as? String == "2016-08-24T00:38:17.000+08:00")
        let readings = try #require(object["readings"] as? [[String: Any]])
        #expect(readings.map { $0["pollutant"] as? String } == ["w00000", "w01018", "w21003"])
        #expect(readings.map { $0["raw_code"] as? String } == ["B01", "011", "060"])
        #expect(readings[1]["rtd"] as? Double == 231.0)
    }

    @Test("2025 encrypted examples decode with --key and match their plaintext twins")
    func encrypted2025() throws {
        let result = try CLIRunner.run([
            "decode", Self.examples2025, "--format", "json", "--key", "30303030303030303030303030303030",
        ])
        #expect(result.status == 0)
        let frames = try CLIRunner.jsonLines(result.stdout)
        #expect(frames.count == 5)
        for frame in frames {
            #expect(frame["ok"] as? Bool == true, "\(frame)")
            #expect(frame["edition"] as? String == "2025")
            #expect(frame["rf"] as? Bool == false)
        }
        let clear1 = try #require(frames[1]["readings"] as? [[String: Any]])
        let secret1 = try #require(frames[2]["readings"] as? [[String: Any]])
        let clear2 = try #require(frames[3]["readings"] as? [[String: Any]])
        let secret2 = try #require(frames[4]["readings"] as? [[String: Any]])
        #expect(NSArray(array: clear1).isEqual(to: secret1))
        #expect(NSArray(array: clear2).isEqual(to: secret2))
        #expect(frames[2]["encrypted"] as? Bool == true)
        #expect(clear1.count == 3 && clear2.count == 2)
    }

    @Test("without the key an encrypted frame is refused with the reason")
    func encryptedWithoutKey() throws {
        let result = try CLIRunner.run(["decode", Self.examples2025, "--format", "json"])
        let frames = try CLIRunner.jsonLines(result.stdout)
        let encrypted = frames.filter { $0["encrypted"] as? Bool == true }
        #expect(encrypted.count == 2)
        for frame in encrypted {
            #expect(frame["ok"] as? Bool == false)
            let codes = (frame["problems"] as? [[String: Any]])?.compactMap { $0["code"] as? String } ?? []
            #expect(codes.contains("encrypted_no_key"))
        }
    }

    @Test("a bad key is a usage error")
    func badKey() throws {
        let result = try CLIRunner.run(["decode", Self.samples, "--key", "1234"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("32 hex digits"))
    }

    @Test("the table format names the verdict and the problem in words")
    func tableFormat() throws {
        let result = try CLIRunner.run(["decode", Self.samples])
        #expect(result.status == 0)
        #expect(result.stdout.contains("ACCEPTED"))
        #expect(result.stdout.contains("REFUSED"))
        #expect(result.stdout.contains("crc_mismatch"))
        #expect(result.stdout.contains("化学需氧量") || result.stdout.contains("CN 2011"))
    }

    @Test("a raw capture with junk, split frames and no line structure decodes")
    func rawCapture() throws {
        var bytes = Data("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8)
        bytes.append(contentsOf: [0x16, 0x03, 0x01, 0x00, 0xA5, 0x01])
        bytes.append(Data("##0101QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;Flag=5;CP=&&RtdInterval=30&&1C80\r\n".utf8))
        bytes.append(Data("##0101QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;Flag=5;CP=&&RtdInterval=30&&1C80".utf8))
        let result = try CLIRunner.run(["decode", "--raw", "--format", "json"], input: bytes)
        let frames = try CLIRunner.jsonLines(result.stdout)
        #expect(frames.count == 2)
        #expect(frames.allSatisfy { $0["ok"] as? Bool == true })
        let last = try #require(frames.last?["problems"] as? [[String: Any]])
        #expect(last.contains { $0["code"] as? String == "missing_crlf" })
    }
}
