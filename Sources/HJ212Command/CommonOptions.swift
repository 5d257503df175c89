import ArgumentParser
import Compliance
import Foundation
import GatewayConfig
import HJ212
import LocalTime
import Reports

/// Options shared by the commands that read the configuration.
struct ConfigOption: ParsableArguments {
    @Option(name: .long, help: "The configuration file.")
    var config: String = "hj212.yaml"

    /// Loads and validates the configuration; a bad file stops the command with every problem listed.
    func load() throws -> GatewayConfiguration {
        guard FileManager.default.fileExists(atPath: config) else {
            throw CLIError("the configuration file \(config) does not exist. Pass --config PATH, or run `hj212 demo --once` to write an example")
        }
        do {
            return try ConfigurationLoader.load(path: config)
        } catch {
            throw CLIError("\(error)")
        }
    }
}

/// Output format for listing commands.
struct FormatOption: ParsableArguments {
    @Option(help: "Output format: table, csv or json.")
    var format: RecordSet.Format = .table
}

extension RecordSet.Format: ExpressibleByArgument {}

/// Reads command-line times: `2026-11-28` or `2026-11-28T08:00[:00]`, in the configured zone.
enum TimeArgument {
    static func parse(_ text: String, zone: LocalTimeZone, option: String) throws -> Int64 {
        let digits = text.filter(\.isNumber)
        let padded: String
        switch digits.count {
        case 8: padded = digits + "000000"
        case 12: padded = digits + "00"
        case 14: padded = digits
        default:
            throw CLIError("\(option) \(text) is not a date or date-time; write 2026-11-28 or 2026-11-28T08:00")
        }
        guard let local = LocalDateTime(hj212: padded) else {
            throw CLIError("\(option) \(text) is not a real date or time")
        }
        return zone.unixTime(local)
    }
}

/// The registry's names for a device, for output.
struct DeviceNames {
    var enterpriseID: String?
    var enterprise: String?
    var outletID: String?
    var outlet: String?
    var medium: String?

    init(_ device: RegisteredDevice?) {
        enterpriseID = device?.enterpriseID
        enterprise = device?.enterpriseName
        outletID = device?.outletID
        outlet = device?.outletName
        medium = device.map { "\($0.medium)" }
    }
}

/// The configuration's outlets with their resolved limits; an unknown standard profile stops the
/// command with the message that names it and similar ones.
func complianceRegistry(_ configuration: GatewayConfiguration) throws -> ComplianceRegistry {
    do {
        return try ComplianceRegistry(configuration: configuration)
    } catch {
        throw CLIError("\(error)")
    }
}
