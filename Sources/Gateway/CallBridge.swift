import Foundation
import Logging
import MediaCore
import Realtime
import Twilio

/// One call's bridge between Twilio's media stream and the model (design §4). Every piece of the
/// call's state lives in this actor: the jitter buffer and playout framer of the C core, the audio
/// conversion of the negotiated mode, the model's items and responses, barge-in, tools and the report.
///
/// The bridge does no I/O itself: it writes Twilio messages to ``twilioOutbox``, model events to
/// ``modelOutbox`` and rings ``doorbell`` when outbound audio is queued. ``MediaStreamHandler`` runs the
/// tasks that move those to the sockets, so when the call ends (``finish(_:)``) finishing the
/// streams ends every task of the call.
actor CallBridge {
    /// What the bridge needs from the gateway's configuration.
    struct Settings: Sendable {
        var audioFormat: RealtimeAudioFormat
        var model: String
        var instructions: String
        var greetingWaitMilliseconds: Int
        var maxCallSeconds: Int
        var bargeInMarginMilliseconds: Int
        var apologyMessage: String
        var shutdownMessage: String
        /// Where recordings go (`RECORDINGS_DIR`); nil: not recorded.
        var recordingsDirectory: String?
        /// Most callee audio buffered while the model socket is still opening.
        var maxPendingFramesBeforeOpen = 500
        /// Most messages waiting for Twilio's socket (about 30 s of media and marks): a peer that stops
        /// reading ends the call instead of growing memory.
        var maxTwilioBacklog = 3000

        init(configuration: GatewayConfiguration) {
            audioFormat = RealtimeAudioFormat(rawValue: configuration.audioFormat.rawValue) ?? .pcmu
            model = configuration.openAIRealtimeModel
            instructions = configuration.instructions
            greetingWaitMilliseconds = configuration.greetingWaitMilliseconds
            maxCallSeconds = configuration.maxCallSeconds
            bargeInMarginMilliseconds = configuration.bargeInMarginMilliseconds
            apologyMessage = configuration.apologyMessage
            shutdownMessage = configuration.shutdownMessage
            recordingsDirectory = configuration.recordingsDirectory
        }
    }

    /// What the pacing task should do next.
    enum PumpStep: Equatable {
        /// Sleep this many milliseconds, then pump again.
        case after(Int)
        /// Nothing queued: wait for the doorbell.
        case idle
        /// The call is over.
        case stop
    }

    /// One assistant item with audio.
    struct Item {
        var handle: UInt32
        var responseID: String
        var receivedBytes = 0
        var audioDone = false
    }

    let settings: Settings
    let claims: StreamToken.Claims
    let start: TwilioStreamStart
    var logger: Logger
    let registry: CallRegistry
    let twilio: TwilioRESTClient
    let metrics: GatewayMetrics
    /// Frame counts already added to the metrics.
    var framesCounted = (toModel: 0, toCallee: 0)
    /// When model audio arrived with nothing ahead of it: its first frame sent gives the relay latency.
    var latencyProbe: ContinuousClock.Instant?

    /// JSON texts for Twilio's socket, in order.
    nonisolated let twilioOutbox: AsyncStream<String>
    /// JSON texts for the model's socket, in order; `session.update` is first.
    nonisolated let modelOutbox: AsyncStream<String>
    /// Rung when outbound audio is queued or the call ends.
    nonisolated let doorbell: AsyncStream<Void>
    let twilioOut: AsyncStream<String>.Continuation
    let modelOut: AsyncStream<String>.Continuation
    let bell: AsyncStream<Void>.Continuation

    /// `interrupt_response` as sent: the server cancels its response when the callee speaks.
    let serverCancelsOnSpeech: Bool
    let twilioMessages: TwilioStreamEncoder
    let path: ModelAudioPath
    let jitter: JitterBuffer
    let framer: PlayoutFramer
    var inboundFrame = [UInt8](repeating: 0, count: 160)
    var outboundFrame = [UInt8](repeating: 0, count: 160)
    let clock = ContinuousClock()
    let epoch: ContinuousClock.Instant

    var report: CallReport
    var modelOpen = false
    var sessionReady = false
    var calleeSpoke = false
    var greetingDue = false
    var greeted = false
    var activeResponse: String?
    var discardedResponses: Set<String> = []
    var items: [String: Item] = [:]
    var itemIDs: [UInt32: String] = [:]
    var nextHandle: UInt32 = 1
    /// The response whose first audio was noted last.
    var lastAudioResponse = ""
    var responseCreatePending = false
    var hangUpRequestedAt: UInt64?
    var ended = false
    /// Outbound audio (μ-law) waiting for room in the framer's ring, in order; `end` marks an item's end.
    var overflow: [(handle: UInt32, audio: [UInt8], end: Bool)] = []
    var overflowBytes = 0

    /// The framer's ring, in ms of μ-law.
    static let ringMilliseconds = 4000
    /// Most outbound audio held beyond the ring (10 minutes); more is dropped with a warning.
    static let maxOverflowBytes = 600 * 8000
    /// Set when Twilio's socket stopped taking messages.
    var twilioStalled = false
    /// The call's recording, when `RECORDINGS_DIR` is set.
    let recording: CallRecording?

    init(settings: Settings, claims: StreamToken.Claims, start: TwilioStreamStart, registry: CallRegistry, twilio: TwilioRESTClient,
         metrics: GatewayMetrics, logger: Logger) throws(MediaCoreError) {
        self.settings = settings
        self.metrics = metrics
        self.claims = claims
        self.start = start
        self.registry = registry
        self.twilio = twilio
        self.logger = logger
        (twilioOutbox, twilioOut) = AsyncStream<String>.makeStream(bufferingPolicy: .bufferingOldest(settings.maxTwilioBacklog))
        (modelOutbox, modelOut) = AsyncStream<String>.makeStream()
        (doorbell, bell) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        twilioMessages = TwilioStreamEncoder(streamSid: start.streamSid)
        path = try ModelAudioPath(format: settings.audioFormat)
        // Frames are popped as soon as they are pushed, so the buffer only ever holds a gap's worth:
        // 400 ms is plenty, and keeps its ring (touched as it wraps) small.
        var jittering = JitterBuffer.Configuration()
        jittering.capacityMilliseconds = 400
        jitter = try JitterBuffer(jittering)
        var framing = PlayoutFramer.Configuration()
        framing.markEvery = 1
        // A small ring (its pages are touched as it wraps, so its size is per-call memory); model audio
        // that arrives faster than it drains waits in `overflow`, which is freed as it empties.
        framing.capacityMilliseconds = UInt32(Self.ringMilliseconds)
        framer = try PlayoutFramer(framing)
        epoch = clock.now
        if let folder = settings.recordingsDirectory {
            let file = folder + "/" + claims.callID + ".opus"
            do {
                try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                recording = try CallRecording(path: file)
            } catch {
                logger.error("call not recorded: \(error); check RECORDINGS_DIR")
                recording = nil
            }
        } else {
            recording = nil
        }
        report = CallReport(callID: claims.callID, callSID: start.callSid, streamSID: start.streamSid, userID: claims.userID,
                            message: claims.message, audioFormat: settings.audioFormat.rawValue, startedAt: Date())
        var session = RealtimeSessionConfiguration(
            model: settings.model, instructions: SafetyScript.instructions(base: settings.instructions, message: claims.message),
            audioFormat: settings.audioFormat)
        session.tools = SafetyConfirmationTools.all
        serverCancelsOnSpeech = session.interruptResponse
        modelOut.yield(RealtimeClientEvent.sessionUpdate(session).json())
    }

    /// Milliseconds since the stream started.
    var now: UInt64 { UInt64(epoch.duration(to: clock.now) / .milliseconds(1)) }

    /// Adds a moment to the call's timeline, which keeps its first 50 and last 150 moments: a long call
    /// must not grow without bound (the soak test found 2.5 moments a second per call doing just that).
    func note(_ what: String) {
        if report.events.count >= Self.maxEvents { report.events.remove(at: Self.maxEvents / 4) }
        report.events.append(.init(atMilliseconds: Int(now), what: what))
        logger.debug("\(what)")
    }

    static let maxEvents = 200

    /// Records the call as live.
    func begin() async {
        note("media stream started (call \(start.callSid), \(settings.audioFormat.rawValue))")
        await registry.update(report)
        await registry.add(self)
    }

    /// Sends every outbound frame the pacing allows now; says when to come back.
    func pump() async -> PumpStep {
        if ended { return .stop }
        let t = now
        drainOverflow()
        while let f = outboundFrame.withUnsafeMutableBufferPointer({ framer.pop(now: t, into: $0) }) {
            sendToTwilio(outboundFrame.withUnsafeBufferPointer { twilioMessages.media($0) })
            report.framesToCallee += 1
            outboundFrame.withUnsafeBufferPointer { recording?.assistant($0) }
            if let probe = latencyProbe {
                metrics.relayed(after: probe.duration(to: clock.now))
                latencyProbe = nil
            }
            if f.mark, let item = itemIDs[f.item] {
                let name = MarkName(itemID: item, sentMilliseconds: f.itemSentMilliseconds, generation: f.generation)
                sendToTwilio(twilioMessages.mark(name.description))
            }
        }
        if twilioStalled {
            note("Twilio's socket stopped taking messages (\(settings.maxTwilioBacklog) waiting)")
            await finish(.twilioDisconnected)
            return .stop
        }
        drainOverflow()
        await hangUpIfPlayedOut()
        if ended { return .stop }
        guard let due = framer.nextDue(now: t) else { return .idle }
        return .after(max(1, Int(due) - Int(t)))
    }

    /// Hands a message to Twilio's writer; notes a stall when its backlog is full.
    func sendToTwilio(_ text: String) {
        if case .dropped = twilioOut.yield(text) { twilioStalled = true }
    }

    /// Adds the frames relayed since the last call to the metrics.
    func countFrames() {
        metrics.frames(toModel: report.framesToModel - framesCounted.toModel, toCallee: report.framesToCallee - framesCounted.toCallee)
        framesCounted = (report.framesToModel, report.framesToCallee)
    }

    /// Queues outbound μ-law of `handle` in the framer, or behind it when the ring is full.
    func queueOutbound(_ audio: UnsafeBufferPointer<UInt8>, handle: UInt32) {
        if overflow.isEmpty {
            do {
                try framer.push(audio, item: handle)
                return
            } catch where error.code == MediaCoreError.spaceCode {
                // Ring full: keep the rest in order behind it.
            } catch {
                logger.warning("outbound audio dropped: \(error)")
                return
            }
        }
        guard overflowBytes + audio.count <= Self.maxOverflowBytes else {
            logger.warning("outbound audio dropped: more than \(Self.maxOverflowBytes / 8000) s waiting")
            return
        }
        overflow.append((handle, Array(audio), false))
        overflowBytes += audio.count
    }

    /// Ends an item's audio, after whatever of it still waits.
    func endOutbound(handle: UInt32) {
        if overflow.isEmpty { try? framer.endItem(handle) } else { overflow.append((handle, [], true)) }
    }

    /// Moves waiting audio into the ring while it fits.
    func drainOverflow() {
        while let next = overflow.first {
            if next.end {
                try? framer.endItem(next.handle)
            } else {
                let pushed: Bool = next.audio.withUnsafeBufferPointer { chunk in
                    // Pushes are all-or-nothing: feed a large chunk a second at a time.
                    let piece = min(chunk.count, 8000)
                    do {
                        try framer.push(UnsafeBufferPointer(rebasing: chunk[..<piece]), item: next.handle)
                    } catch {
                        return false
                    }
                    if piece < chunk.count {
                        overflow[0].audio.removeFirst(piece)
                        overflowBytes -= piece
                        return false
                    }
                    return true
                }
                if !pushed { return }
                overflowBytes -= next.audio.count
            }
            overflow.removeFirst()
        }
    }

    /// The greeting wait (checked every 100 ms), then the call's hard cap and the end-call deadline
    /// (checked every second). Returns within a step of the call's end.
    func runTimers() async {
        let greetAt = UInt64(settings.greetingWaitMilliseconds)
        while !ended {
            let step = greetingDue ? 1000 : Int(min(100, greetAt > now ? greetAt - now : 0))
            if step > 0 { try? await Task.sleep(for: .milliseconds(step)) }
            if Task.isCancelled || ended { return }
            if greetingDue { countFrames() }
            if !greetingDue && now >= greetAt {
                greetingDue = true
                maybeGreet()
            }
            if now >= UInt64(settings.maxCallSeconds) * 1000 {
                await finish(.timeLimit)
            } else if let asked = hangUpRequestedAt, now > asked + UInt64(framer.queuedMilliseconds) + 10_000 {
                // The last marks never came back: hang up anyway.
                note("end_call: marks did not come back; hanging up")
                await finish(.completed)
            }
        }
    }

    /// After `end_call`: hangs up once the response is over and its last mark has come back.
    func hangUpIfPlayedOut() async {
        guard hangUpRequestedAt != nil, !ended, activeResponse == nil, framer.queuedMilliseconds == 0, overflow.isEmpty else { return }
        for item in items.values where !item.audioDone || framer.playedMilliseconds(item: item.handle) < framer.sentMilliseconds(item: item.handle) {
            return
        }
        note("goodbye played; hanging up")
        await finish(.completed)
    }

    /// Ends the call once: stops the model, tells Twilio (hang up, or the apology where the callee may
    /// still be listening), closes the streams and files the report.
    func finish(_ reason: CallEndReason) async {
        guard !ended else { return }
        ended = true
        report.endReason = reason
        report.endedAt = Date()
        note("call ended: \(reason)")
        modelOut.finish()
        bell.finish()
        switch reason {
        case .completed:
            do {
                _ = try await twilio.hangUp(callSID: start.callSid)
            } catch {
                metrics.twilioError(error)
                logger.warning("hang-up failed: \(error)")
            }
        case _ where reason.needsApology:
            let message = reason == .shutdown ? settings.shutdownMessage : settings.apologyMessage
            do {
                _ = try await twilio.redirect(callSID: start.callSid, twiml: TwiML.sayAndHangUp(message))
                note(reason == .shutdown ? "shutdown message played to the callee" : "apology played to the callee")
            } catch {
                metrics.twilioError(error)
                logger.notice("could not play the \(reason == .shutdown ? "shutdown message" : "apology") (the call may be over already): \(error)")
            }
        default:
            break
        }
        twilioOut.finish()
        if let recording {
            if recording.close() { report.recordingPath = recording.path } else { logger.error("the recording \(recording.path) is incomplete") }
        }
        countFrames()
        metrics.callEnded(reason)
        logger.info("call ended", metadata: [
            "reason": "\(reason.code)", "detail": "\(reason)", "safety": "\(report.safetyStatus?.status.rawValue ?? "-")",
            "frames_to_model": "\(report.framesToModel)", "frames_to_callee": "\(report.framesToCallee)", "barge_ins": "\(report.truncations.count)",
        ])
        await registry.finish(report)
    }

    /// The report as it stands.
    func currentReport() -> CallReport { report }
}
