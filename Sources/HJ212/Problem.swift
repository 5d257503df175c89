/// One thing wrong with a frame: what, where, and what to do about it.
///
/// Problems are values, not thrown errors, because a lenient decoder keeps going and
/// reports every deviation it tolerated. `severity` says whether the frame was refused.
public struct Problem: Error, Hashable, Sendable, CustomStringConvertible {
    /// Whether the problem stops the frame from being accepted.
    public enum Severity: String, Sendable, Hashable, Codable {
        case warning
        case error
    }

    public var code: ProblemCode
    public var severity: Severity
    /// Byte offset from the frame's first `#`, when the problem sits at a place in the bytes.
    public var offset: Int?
    /// The header field or CP key concerned, when there is one.
    public var field: String?
    /// What is wrong and what to do, in words a field engineer understands.
    public var message: String

    public init(_ code: ProblemCode, _ severity: Severity = .error, offset: Int? = nil, field: String? = nil, _ message: String) {
        self.code = code
        self.severity = severity
        self.offset = offset
        self.field = field
        self.message = message
    }

    public var isError: Bool { severity == .error }

    public var description: String {
        var where_ = ""
        if let offset { where_ += " at byte \(offset)" }
        if let field { where_ += " in \(field)" }
        return "\(severity.rawValue) \(code.rawValue)\(where_): \(message)"
    }
}

/// The kinds of problem a frame can have. The raw values are stable: they appear in JSON
/// output and in the rejects table.
public enum ProblemCode: String, Sendable, Hashable, CaseIterable, Codable {
    // Framing
    case bareLineFeed = "bare_lf"
    case missingTerminator = "missing_crlf"
    case lengthCountsCharacters = "length_counts_characters"
    case lengthMismatch = "length_mismatch"
    case lengthIsPlaintext = "length_is_plaintext"
    case lengthOverStandard = "length_over_1024"
    case badLengthField = "bad_length_field"
    case frameTooLarge = "frame_too_large"
    case frameTruncated = "frame_truncated"
    // Checksum
    case crcMismatch = "crc_mismatch"
    case crcVariantAccepted = "crc_variant"
    case crcLowercase = "crc_lowercase"
    case crcNotPadded = "crc_not_padded"
    // Header
    case headerFieldMalformed = "header_field_malformed"
    case headerSeparator = "header_separator"
    case duplicateHeaderField = "duplicate_header_field"
    case unknownHeaderField = "unknown_header_field"
    case missingQN = "missing_qn"
    case missingFlag = "missing_flag"
    case flagNotNumeric = "flag_not_numeric"
    case unknownVersion = "unknown_version"
    case missingCN = "missing_cn"
    case missingMN = "missing_mn"
    case missingST = "missing_st"
    case splitFieldsInconsistent = "split_fields_inconsistent"
    case rfInvalid = "rf_invalid"
    // Data area
    case missingCP = "missing_cp"
    case cpNotTerminated = "cp_not_terminated"
    case cpItemMalformed = "cp_item_malformed"
    case cpBareFlag = "cp_bare_flag"
    case splitFieldsInCP = "split_fields_in_cp"
    case badNumber = "bad_number"
    case badDataTime = "bad_data_time"
    case missingDataTime = "missing_data_time"
    case duplicateValue = "duplicate_value"
    case textNotUTF8 = "text_not_utf8"
    // Encryption (HJ 212-2025)
    case encryptedWithoutKey = "encrypted_no_key"
    case encryptedMalformed = "encrypted_malformed"
    case decryptionFailed = "decryption_failed"
}
