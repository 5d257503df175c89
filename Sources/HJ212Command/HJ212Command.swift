import ArgumentParser

/// `hj212`: the gateway's one executable. Each subcommand is a thin shell over the libraries.
@main
struct HJ212Command: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hj212",
        abstract: "Receive, check, keep and publish HJ 212 online-monitoring data.",
        version: "0.1.0",
        subcommands: [
            Serve.self, CheckConfig.self, Exceedances.self, Limits.self, Evaluate.self, Publish.self, Readings.self, Rejects.self,
            Devices.self, Decode.self, Simulate.self, Demo.self,
        ]
    )
}
