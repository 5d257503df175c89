import COpenSSL

/// A 128-bit SM4 key for a 2025 device's data area.
public struct SM4Key: Sendable, Hashable, CustomStringConvertible {
    public let bytes: [UInt8]

    /// Accepts exactly 16 bytes.
    public init?(bytes: [UInt8]) {
        guard bytes.count == 16 else { return nil }
        self.bytes = bytes
    }

    /// Accepts 32 hex digits, e.g. `30303030303030303030303030303030`.
    public init?(hex: String) {
        let digits = Array(hex.utf8)
        guard digits.count == 32 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(16)
        var index = 0
        while index < 32 {
            guard let high = hexValue(digits[index]), let low = hexValue(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        self.bytes = bytes
    }

    /// Never shows the key itself.
    public var description: String { "SM4Key(***)" }
}

/// SM4-ECB without padding, through OpenSSL's EVP interface.
public enum SM4 {
    /// Encrypts or decrypts whole 16-byte blocks. `data.count` must be a multiple of 16.
    public static func ecb(_ data: [UInt8], key: SM4Key, encrypt: Bool) -> [UInt8]? {
        guard data.count % 16 == 0 else { return nil }
        if data.isEmpty { return [] }
        guard let context = EVP_CIPHER_CTX_new() else { return nil }
        defer { EVP_CIPHER_CTX_free(context) }
        guard let cipher = EVP_sm4_ecb() else { return nil }
        let initialised = key.bytes.withUnsafeBufferPointer { keyBytes in
            EVP_CipherInit_ex(context, cipher, nil, keyBytes.baseAddress, nil, encrypt ? 1 : 0)
        }
        guard initialised == 1, EVP_CIPHER_CTX_set_padding(context, 0) == 1 else { return nil }
        var output = [UInt8](repeating: 0, count: data.count + 16)
        var written: Int32 = 0
        var finalWritten: Int32 = 0
        let ok = output.withUnsafeMutableBufferPointer { out -> Bool in
            data.withUnsafeBufferPointer { input in
                guard EVP_CipherUpdate(context, out.baseAddress, &written, input.baseAddress, Int32(input.count)) == 1 else { return false }
                return EVP_CipherFinal_ex(context, out.baseAddress! + Int(written), &finalWritten) == 1
            }
        }
        guard ok else { return nil }
        output.removeSubrange(Int(written + finalWritten)...)
        return output
    }
}

/// The HJ 212-2025 data-area cipher: the characters between `CP=&&` and the closing `&&` are
/// cut into 16-byte blocks, each whole block is SM4-ECB encrypted and written as
/// `{0xE4,0x3E,…}`, and a shorter tail stays in clear after the brace.
public enum DataAreaCipher {
    /// Encrypts a plaintext data area into its wire form.
    public static func encrypt(_ plaintext: [UInt8], key: SM4Key) -> [UInt8]? {
        let whole = plaintext.count / 16 * 16
        guard let cipher = SM4.ecb(Array(plaintext[0..<whole]), key: key, encrypt: true) else { return nil }
        var out: [UInt8] = Array("{".utf8)
        out.reserveCapacity(whole * 5 + 2 + plaintext.count - whole)
        let digits = Array("0123456789ABCDEF".utf8)
        for (index, byte) in cipher.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "0"))
            out.append(UInt8(ascii: "x"))
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0xF)])
        }
        out.append(UInt8(ascii: "}"))
        out.append(contentsOf: plaintext[whole...])
        return out
    }

    /// The result of reading an encrypted data area.
    public enum Failure: Error, Sendable, Equatable {
        /// The `{0x…}` list is not well formed; `offset` is relative to the data area.
        case malformed(offset: Int, reason: String)
        /// The ciphertext is not a whole number of 16-byte blocks.
        case partialBlock(byteCount: Int)
        /// OpenSSL refused the operation.
        case cipherFailed
    }

    /// Whether a data area is in the encrypted wire form.
    public static func isEncrypted(_ area: some Collection<UInt8>) -> Bool {
        var iterator = area.makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: " ") { continue }
            return byte == UInt8(ascii: "{")
        }
        return false
    }

    /// Decrypts the wire form back to the plaintext data area.
    public static func decrypt(_ area: [UInt8], key: SM4Key) -> Result<[UInt8], Failure> {
        var index = 0
        while index < area.count && area[index] == UInt8(ascii: " ") { index += 1 }
        guard index < area.count, area[index] == UInt8(ascii: "{") else {
            return .failure(.malformed(offset: index, reason: "expected \"{\""))
        }
        index += 1
        if index < area.count && area[index] == UInt8(ascii: "}") {
            // "{}": no whole block (what `encrypt` writes for a data area under 16 bytes); the rest is clear.
            return .success(Array(area[(index + 1)...]))
        }
        var cipher: [UInt8] = []
        cipher.reserveCapacity(area.count / 5)
        while true {
            guard index + 4 <= area.count else { return .failure(.malformed(offset: index, reason: "the byte list is cut off")) }
            guard area[index] == UInt8(ascii: "0"), area[index + 1] | 0x20 == UInt8(ascii: "x"),
                  let high = hexValue(area[index + 2]), let low = hexValue(area[index + 3])
            else { return .failure(.malformed(offset: index, reason: "expected a byte written as 0xHH")) }
            cipher.append(high << 4 | low)
            index += 4
            guard index < area.count else { return .failure(.malformed(offset: index, reason: "no closing \"}\"")) }
            if area[index] == UInt8(ascii: ",") { index += 1; continue }
            if area[index] == UInt8(ascii: "}") { index += 1; break }
            return .failure(.malformed(offset: index, reason: "expected \",\" or \"}\""))
        }
        guard cipher.count % 16 == 0 else { return .failure(.partialBlock(byteCount: cipher.count)) }
        guard var plain = SM4.ecb(cipher, key: key, encrypt: false) else { return .failure(.cipherFailed) }
        plain.append(contentsOf: area[index...])
        return .success(plain)
    }
}

@inline(__always)
func hexValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case 0x30...0x39: byte - 0x30
    case 0x41...0x46: byte - 0x41 + 10
    case 0x61...0x66: byte - 0x61 + 10
    default: nil
    }
}
