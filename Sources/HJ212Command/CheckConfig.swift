import ArgumentParser
import Compliance
import GatewayConfig

extension HJ212Command {
    /// `hj212 check-config`: validates a configuration file without starting anything.
    struct CheckConfig: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check-config",
            abstract: "Validate a configuration file; every problem is listed with its line.")

        @OptionGroup var configOption: ConfigOption

        func run() async throws {
            let configuration = try configOption.load()
            let problems = ComplianceRegistry.problems(in: configuration)
            if !problems.isEmpty {
                throw CLIError("\(configOption.config): " + problems.map(\.description).joined(separator: "\n"))
            }
            let devices = configuration.registry.count
            let outlets = configuration.enterprises.reduce(0) { $0 + $1.outlets.count }
            print("\(configOption.config): ok — \(configuration.enterprises.count) enterprise(s), \(outlets) outlet(s), \(devices) device(s); device port \(configuration.listen), storage \(configuration.storage)")
        }
    }
}
