import HJ212

/// What the framing stage hands to a connection: a frame, a stretch that could not be one,
/// or a count of junk bytes skipped (scanner traffic, banners, noise).
public enum InboundEvent: Sendable {
    case frame(RawFrame)
    case malformed(MalformedFrame)
    case junk(Int)
}
