/// The ten standard numeric values of a reading: present ones marked in a bit mask, so a
/// reading stays small to copy.
public struct NumericValues: Sendable, Hashable {
    private var storage: (Double, Double, Double, Double, Double, Double, Double, Double, Double, Double) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    // A whole word (not UInt16): structs holding readings are then copied in the same widths
    // they are written in, which keeps the processor's store forwarding working.
    private var present: UInt64 = 0

    public init() {}

    public subscript(field: Reading.NumericField) -> Double? {
        @inline(__always) get {
            guard present & (1 << field.rawValue) != 0 else { return nil }
            return withUnsafeBytes(of: storage) { $0.load(fromByteOffset: Int(field.rawValue) * 8, as: Double.self) }
        }
        @inline(__always) set {
            if let newValue {
                present |= 1 << field.rawValue
                withUnsafeMutableBytes(of: &storage) { $0.storeBytes(of: newValue, toByteOffset: Int(field.rawValue) * 8, as: Double.self) }
            } else {
                present &= ~(1 << field.rawValue)
                withUnsafeMutableBytes(of: &storage) { $0.storeBytes(of: 0, toByteOffset: Int(field.rawValue) * 8, as: Double.self) }
            }
        }
    }

    public var isEmpty: Bool { present == 0 }

    /// Ten consecutive doubles and a mask of the present ones (used by the fast reader).
    @inline(__always)
    init(_ source: UnsafePointer<Double>, present: UInt16) {
        storage = (source[0], source[1], source[2], source[3], source[4], source[5], source[6], source[7], source[8], source[9])
        self.present = UInt64(present)
    }

    /// Takes ten consecutive doubles and a mask of the present ones (used by the fast reader).
    @inline(__always)
    mutating func load(_ source: UnsafePointer<Double>, present: UInt16) {
        storage = (source[0], source[1], source[2], source[3], source[4], source[5], source[6], source[7], source[8], source[9])
        self.present = UInt64(present)
    }

    public static func == (lhs: NumericValues, rhs: NumericValues) -> Bool {
        guard lhs.present == rhs.present else { return false }
        return Reading.NumericField.allCases.allSatisfy { lhs[$0] == rhs[$0] }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(present)
        for field in Reading.NumericField.allCases { hasher.combine(self[field]) }
    }
}
