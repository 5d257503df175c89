import HJ212
import LocalTime
import Logging
import NIOCore
import Store

/// Decides what one frame from a connection leads to: admission by MN and password, decoding
/// with the device's options, storage through the group committer, and the answer the
/// standard requires, sent only after the commit.
struct FrameProcessor: Sendable {
    /// What the connection should do after a frame.
    enum Action: Sendable {
        /// The frame was valid; send the answer, if any.
        case accepted(reply: [UInt8]?)
        /// The frame was refused and recorded as a reject.
        case refused
        /// Stop reading: the source is blocked (wrong passwords).
        case close(reason: String)
        /// A valid upload that wants an answer: commit it (`hand`), then send the answer.
        /// The connection may read on meanwhile; answers still leave in frame order.
        case upload(IngestFrame, answer: [UInt8])
    }

    let settings: GatewaySettings
    let registry: DeviceRegistry
    let committer: GroupCommitter
    let access: AccessGuard
    let timeZone: LocalTimeZone
    let metrics: GatewayMetrics
    let sessions: SessionRegistry

    struct Context: Sendable {
        var connection: String
        var peer: String
        var address: String
        var logger: Logger
        var channel: any Channel
    }

    /// What one connection remembers between its frames.
    struct ConnectionState {
        var reassembler: SplitReassembler
        /// Devices already registered as speaking on this connection (for downlink commands).
        var attached: Set<String> = []
    }

    /// What a frame leads to, as `decide` finds it: an action at once, or a step that must wait
    /// (the connection waits for it without blocking its event loop, and reads nothing meanwhile).
    enum Step: Sendable {
        case done(Action)
        /// A wrong password: wait this long before reading on (slows guessing).
        case refuseAfter(seconds: Double)
        /// A device's answer to one of our commands.
        case commandAnswer(mn: String, qn: String?, cn: String, detail: String)
        /// A data upload that may answer a history request (checked on the session registry
        /// first), or that wants no answer (handed in with nothing waiting on its commit).
        case upload(IngestFrame, answer: [UInt8]?, checkHistory: Bool)
    }

    /// Admission, decoding and the standard's answer: everything about a frame that needs no waiting.
    func decide(_ frame: RawFrame, context: Context, state: inout ConnectionState, now: Double, wallMillis: Int64) -> Step {
        let header = PacketDecoder.peekHeader(frame)
        let mn = header.mn ?? ""

        // Admission: a registered MN with its password, or an unregistered one when allowed.
        let device = registry.device(mn)
        if device == nil && !settings.acceptUnregistered {
            reject(frame, context: context, mn: header.mn, reason: "unknown_mn", at: wallMillis,
                         detail: header.mn == nil
                            ? "the frame has no MN, so the device cannot be identified; it was not stored"
                            : "MN \(mn) is not in the registry; the frame was not stored or acknowledged. Register the device in the configuration (enterprises → outlets → devices), or set unregistered: accept while onboarding")
            return .done(.refused)
        }
        if let device, !ConstantTime.equals(header.pw ?? "", device.password) {
            reject(frame, context: context, mn: mn, reason: "wrong_password", at: wallMillis,
                         detail: "the password (PW) does not match the one registered for MN \(mn); the frame was not stored or acknowledged. Check the logger's access password")
            let verdict = access.badPassword(address: context.address, now: now)
            if verdict.blocked {
                context.logger.warning("source blocked after repeated wrong passwords", metadata: ["mn": "\(mn)"])
                return .done(.close(reason: "blocked_for_bad_passwords"))
            }
            if verdict.delaySeconds > 0 { return .refuseAfter(seconds: verdict.delaySeconds) }
            return .done(.refused)
        }

        // Decode with the device's options.
        let options = DecodeOptions(
            policy: device?.policy ?? settings.policy, extraCRCAlgorithms: device?.extraCRC ?? [],
            sm4Key: device?.sm4Key)
        let packet = PacketDecoder.decode(frame, options: options)
        guard packet.isAccepted else {
            let first = packet.errors.first
            reject(frame, context: context, mn: header.mn, reason: first?.code.rawValue ?? "refused", at: wallMillis,
                         detail: packet.errors.map(\.message).joined(separator: "; "))
            return .done(.refused)
        }
        if !packet.problems.isEmpty {
            context.logger.debug("frame accepted with warnings", metadata: [
                "mn": "\(mn)", "warnings": "\(packet.problems.map(\.code.rawValue).joined(separator: ","))",
            ])
        }
        let cn = packet.header.cn ?? ""
        if let device, !state.attached.contains(mn) {
            state.attached.insert(mn)
            sessions.attach(
                mn: mn, connection: context.connection, channel: context.channel, edition: packet.edition,
                st: packet.header.st ?? "32", password: device.password)
        }
        let answerWanted = packet.header.flag?.answerWanted ?? false
        // A data upload tells the store all a "seen" event would (its MN, QN, time, connection
        // and peer), and the store updates the device from it: only other frames need one.
        if packet.kind == nil || packet.content.dataTime == nil {
            committer.record(DeviceEvent(
                kind: .seen, mn: mn, atMillis: wallMillis, qn: packet.header.qn, cn: cn,
                connection: context.connection, peer: context.peer))
        }

        switch cn {
        case "9011", "9012":
            // A device's answers to our commands, recorded against the command's QN.
            let qn = packet.header.qn ?? packet.dataArea["QN"]
            let detail = packet.content.fields.map { "\($0.key)=\($0.value)" }.joined(separator: ";")
            committer.record(DeviceEvent(
                kind: .commandAnswer, mn: mn, atMillis: wallMillis, qn: qn, cn: cn,
                connection: context.connection, peer: context.peer, detail: detail))
            metrics.frame("answer")
            return .commandAnswer(mn: mn, qn: qn, cn: cn, detail: detail)
        case "9013", "9014":
            metrics.frame("answer")
            return .done(.accepted(reply: nil))
        case "9015", "9021":
            metrics.frame("heartbeat")
            if answerWanted && settings.answerHeartbeats {
                return .done(.accepted(reply: Reply.notificationAck(to: packet.header, edition: packet.edition).encode()))
            }
            return .done(.accepted(reply: nil))
        case "1013":
            metrics.frame("other")
            return .done(.accepted(reply: Reply.notificationAck(to: packet.header, edition: packet.edition).encode()))
        default:
            break
        }

        // Data uploads: store, then answer.
        if let kind = packet.kind, let dataTime = packet.content.dataTime {
            if packet.header.pnum != nil {
                track(split: packet, reassembler: &state.reassembler, now: now, logger: context.logger)
            }
            let ingest = IngestFrame(
                mn: mn, qn: packet.header.qn, cn: cn, kind: kind, dataTime: dataTime,
                dataTimeUnix: timeZone.unixTime(dataTime), edition: packet.edition,
                backfill: packet.header.isBackfill ? .rf : .live,
                receivedAtMillis: wallMillis, connection: context.connection, peer: context.peer,
                readings: packet.content.readings, receivedDayStartMillis: timeZone.dayStartMillis(unixMillis: wallMillis))
            let checkHistory = !packet.header.isBackfill && sessions.mayHaveHistoryPending(mn)
            let answer = answerWanted ? Reply.encodedDataAck(to: packet.header, edition: packet.edition) : nil
            if let answer, !checkHistory {
                // The usual upload: nothing to wait for before handing it to the committer.
                return .done(.upload(ingest, answer: answer))
            }
            return .upload(ingest, answer: answer, checkHistory: checkHistory)
        }

        // Anything else the device sent that asks for an answer gets the data answer.
        metrics.frame("other")
        if answerWanted, !cn.hasPrefix("90") {
            return .done(.accepted(reply: Reply.encodedDataAck(to: packet.header, edition: packet.edition)))
        }
        return .done(.accepted(reply: nil))
    }

    /// What became of an upload handed to the committer.
    enum Handoff {
        /// Queued (or, when the gateway is stopping, settled without an answer): done with it.
        case done
        /// The queue is full: nothing was queued, and the offer's `whenSpace` will run.
        case full
    }

    /// Hands an upload to the committer. With a ticket, its answer goes out in the ticket's turn
    /// once the commit holding it returns, or nothing does when it could not be stored (the
    /// device resends). Never waits: when the queue is full it says so and `whenSpace` runs
    /// once there is room.
    func hand(
        _ ingest: IngestFrame, answer: [UInt8]?, ticket: AnswerSequencer.Ticket?, answers: AnswerSequencer, logger: Logger,
        whenSpace: @escaping @Sendable () -> Void
    ) -> Handoff {
        var completion: GroupCommitter.Completion?
        if let answer, let ticket {
            let started = ContinuousClock.now
            let metrics = metrics
            completion = { result in
                switch result {
                case .success(let outcome):
                    metrics.frame(outcome.inserted == 0 && outcome.duplicates > 0 ? "duplicate" : "acked")
                    metrics.ackLatency.recordNanoseconds(nanoseconds(since: started))
                    answers.fulfil(ticket, with: answer)
                case .failure(let error):
                    logger.error("upload not stored, so not acknowledged", metadata: ["mn": "\(ingest.mn)", "error": "\(error)"])
                    answers.fulfil(ticket, with: nil)
                }
            }
        }
        switch committer.offer(ingest, completion: completion, whenSpace: whenSpace) {
        case .queued:
            if ticket == nil { metrics.frame("stored") }
            return .done
        case .full:
            return .full
        case .stopped:
            logger.error("upload not stored: the gateway is shutting down; the device will resend it", metadata: ["mn": "\(ingest.mn)"])
            if let ticket { answers.fulfil(ticket, with: nil) }
            return .done
        }
    }

    func reject(_ frame: RawFrame, context: Context, mn: String?, reason: String, at millis: Int64, detail: String) {
        metrics.frame("rejected")
        metrics.reject(reason)
        context.logger.info("frame rejected", metadata: ["reason": "\(reason)", "mn": "\(mn ?? "-")"])
        committer.record(RejectRecord(
            receivedAtMillis: millis, peer: context.peer, mn: mn, reason: reason, detail: detail, raw: frame.bytes))
    }

    func reject(_ malformed: MalformedFrame, context: Context, at millis: Int64) {
        metrics.frame("rejected")
        metrics.reject(malformed.problem.code.rawValue)
        committer.record(RejectRecord(
            receivedAtMillis: millis, peer: context.peer, mn: nil, reason: malformed.problem.code.rawValue,
            detail: malformed.problem.message, raw: malformed.bytes))
    }

    private func track(split packet: Packet, reassembler: inout SplitReassembler, now: Double, logger: Logger) {
        switch reassembler.add(packet, now: now) {
        case .complete(let merged, let pieces):
            logger.debug("split packet complete", metadata: [
                "mn": "\(merged.header.mn ?? "-")", "pieces": "\(pieces.count)", "readings": "\(merged.content.readings.count)",
            ])
        case .duplicatePiece, .pending, .whole:
            break
        }
    }

    /// Reports split packets whose pieces stopped coming.
    func expireSplits(_ reassembler: inout SplitReassembler, now: Double, logger: Logger) {
        for incomplete in reassembler.expire(now: now) {
            metrics.incompleteSplits.increment()
            logger.warning("split packet incomplete: missing pieces never arrived", metadata: [
                "key": "\(incomplete.key)", "expected": "\(incomplete.expected)",
                "received": "\(incomplete.received.map(String.init).joined(separator: ","))",
            ])
        }
    }
}
