/// Turns HJ 212 suffixes into the snake-case JSON keys of design.md: `ZsRtd` → `zs_rtd`,
/// `SampleTime` → `sample_time`, `EFlag` → `e_flag`.
public enum SnakeCase {
    public static func convert(_ name: String) -> String {
        let characters = Array(name)
        var out = ""
        for (index, character) in characters.enumerated() {
            if character.isUppercase {
                let previous = index > 0 ? characters[index - 1] : nil
                let next = index + 1 < characters.count ? characters[index + 1] : nil
                if let previous, previous != "_", previous != "-",
                   previous.isLowercase || previous.isNumber || (previous.isUppercase && (next?.isLowercase ?? false)) {
                    out += "_"
                }
                out += character.lowercased()
            } else if character == "-" || character == " " {
                out += "_"
            } else {
                out.append(character)
            }
        }
        return out
    }
}
