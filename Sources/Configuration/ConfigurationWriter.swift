import Foundation
import HJ212

extension GatewayConfiguration {
    /// The configuration as a YAML file that `ConfigurationLoader` reads back to an equal value
    /// (`hj212 demo` writes its own file this way). Every setting is written, defaults included.
    /// Secrets are written as they were given: in clear, or as their `env:NAME` reference.
    public func yaml() -> String {
        var out = YAMLText()
        out.line("# hj212-gateway configuration")
        out.line("listen: \(YAMLText.quoted(listen.description))")
        out.line("http: \(http.map { YAMLText.quoted($0.description) } ?? "off")")
        out.line("timezone: \(YAMLText.quoted(timezone))")
        out.line("storage:")
        switch storage {
        case .sqlite(let path): out.line("  sqlite: \(YAMLText.quoted(path))")
        case .postgres(let url): out.line("  postgres: \(YAMLText.quoted(url))")
        }
        out.line("durability: \(durability.rawValue)")
        out.line("disclosure:")
        out.line("  directory: \(YAMLText.quoted(disclosure.directory))")
        out.line("  publish_at: \(YAMLText.quoted(disclosure.publishAt))")
        out.line("unregistered: \(unregistered.rawValue)")
        out.line("limits:")
        out.line("  max_connections: \(limits.maxConnections)")
        out.line("  max_connections_per_ip: \(limits.maxConnectionsPerIP)")
        out.line("  max_frame_bytes: \(limits.maxFrameBytes)")
        out.line("  idle_timeout_seconds: \(limits.idleTimeoutSeconds)")
        out.line("  junk_bytes_limit: \(limits.junkBytesLimit)")
        out.line("  no_valid_frame_seconds: \(limits.noValidFrameSeconds)")
        out.line("  bad_password_threshold: \(limits.badPasswordThreshold)")
        out.line("  bad_password_window_seconds: \(limits.badPasswordWindowSeconds)")
        out.line("  block_seconds: \(limits.blockSeconds)")
        out.line("ingest:")
        out.line("  batch_max_frames: \(ingest.batchMaxFrames)")
        out.line("  batch_max_delay_millis: \(ingest.batchMaxDelayMillis)")
        out.line("  queue_capacity: \(ingest.queueCapacity)")
        out.line("  policy: \(ingest.policy.rawValue)")
        if enterprises.isEmpty {
            out.line("enterprises: []")
            return out.text
        }
        out.line("enterprises:")
        for enterprise in enterprises {
            out.line("  - id: \(YAMLText.quoted(enterprise.id))")
            out.line("    name: \(YAMLText.quoted(enterprise.name))")
            if enterprise.outlets.isEmpty {
                out.line("    outlets: []")
                continue
            }
            out.line("    outlets:")
            for outlet in enterprise.outlets {
                out.line("      - id: \(YAMLText.quoted(outlet.id))")
                out.line("        name: \(YAMLText.quoted(outlet.name))")
                out.line("        medium: \(outlet.medium.rawValue)")
                if let standard = outlet.standard {
                    out.line("        standard: \(YAMLText.quoted(standard))")
                }
                if let oxygen = outlet.referenceO2 {
                    out.line("        reference_o2: \(YAMLText.number(oxygen))")
                }
                if !outlet.limits.isEmpty {
                    out.line("        limits:")
                    for code in outlet.limits.keys.sorted() {
                        switch outlet.limits[code]! {
                        case .maximum(let value):
                            out.line("          \(YAMLText.key(code)): \(YAMLText.number(value))")
                        case .range(let lower, let upper):
                            out.line("          \(YAMLText.key(code)): [\(YAMLText.number(lower)), \(YAMLText.number(upper))]")
                        }
                    }
                }
                if outlet.devices.isEmpty {
                    out.line("        devices: []")
                    continue
                }
                out.line("        devices:")
                for device in outlet.devices {
                    out.line("          - mn: \(YAMLText.quoted(device.mn))")
                    out.line("            password: \(YAMLText.quoted(device.password.written))")
                    if let edition = device.edition {
                        out.line("            edition: \(YAMLText.quoted(edition.rawValue))")
                    }
                    if let key = device.sm4Key {
                        out.line("            sm4_key: \(YAMLText.quoted(key.written))")
                    }
                    if !device.crc.isEmpty {
                        out.line("            crc: [\(device.crc.map(\.rawValue).joined(separator: ", "))]")
                    }
                    if let policy = device.policy {
                        out.line("            policy: \(policy.rawValue)")
                    }
                }
            }
        }
        return out.text
    }
}

/// A tiny YAML emitter: block layout, every string double-quoted so nothing is re-typed on reading.
struct YAMLText {
    private(set) var text = ""

    mutating func line(_ content: String) {
        text += content
        text += "\n"
    }

    /// A YAML double-quoted scalar.
    static func quoted(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || (0x80...0x9F).contains(scalar.value)
                    || scalar == "\u{FEFF}" || scalar == "\u{2028}" || scalar == "\u{2029}" {
                    out += String(format: "\\u%04X", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// A mapping key: bare when it is plain letters and digits (the loader reads keys as
    /// written, so `001` stays `001`), quoted otherwise.
    static func key(_ value: String) -> String {
        let plain = !value.isEmpty && value.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "_") }
        return plain ? value : quoted(value)
    }

    /// A number as an operator would write it: `300`, not `300.0`; exact enough to read back equal.
    static func number(_ value: Double) -> String {
        DocumentReader.format(value)
    }
}
