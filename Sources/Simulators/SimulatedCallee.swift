import Foundation
import HummingbirdWSClient
import Logging
import MediaCore
import NIOWebSocket

/// A person on the phone, as the gateway sees them through Twilio Media Streams: connects to
/// `/media-stream` exactly as Twilio does (`connected`, `start` with `customParameters`, a `media` frame
/// every 20 ms of real time, `stop`), plays the gateway's audio at real-time speed, echoes each mark
/// when playback reaches it, and on `clear` drops what it has queued and echoes every pending mark.
/// It speaks the lines of a ``CalleeScript`` and records what it said and heard.
public actor SimulatedCallee {
    let script: CalleeScript
    let logger: Logger
    private var recording = CalleeRecording()
    private var outbox: AsyncStream<String>.Continuation?

    // Playback queue: audio bytes and marks in arrival order.
    private enum Entry { case audio([UInt8]), mark(String) }
    private var queue: [Entry] = []
    private var headOffset = 0
    private var lastItem = ""
    private var cutItems: Set<String> = []
    private var gatewayClosed = false

    // Script state.
    private var line = 0
    private var speaking: (clip: [UInt8], position: Int, overAssistant: Bool)?
    private var lastLineEnd = 0
    private var heardSinceLine = 0
    private var lastHeardAt = -1
    private var awaitingResponseSince: Int?
    private var bargeInSince: Int?
    /// The last frame of the current line with speech in it, and whether the line's speech has begun.
    private var lastVoicedSent = 0
    private var lineVoiced = false
    private var nowMs = 0

    public init(script: CalleeScript = .safetyConfirmation, logger: Logger? = nil) {
        self.script = script
        self.logger = logger ?? .quiet("simulated-callee")
    }

    /// Runs the callee of a call the simulated Twilio API answered (its dialer).
    public func run(call: SimulatedCall) async -> CalleeRecording {
        guard let url = call.streamURL else {
            note("no <Stream> in the TwiML")
            return recording
        }
        do {
            return try await run(streamURL: url, parameters: call.streamParameters, callSID: call.sid, accountSID: call.accountSID,
                                 signature: call.streamSignature)
        } catch {
            note("\(error)")
            return recording
        }
    }

    /// Connects to `streamURL` as Twilio would for call `callSID` (with Twilio's `signature` of the
    /// upgrade, if given), and runs the script until the call ends.
    public func run(streamURL: String, parameters: [(name: String, value: String)], callSID: String, accountSID: String,
                    signature: String? = nil) async throws -> CalleeRecording {
        let streamSID = "MZsim" + String(callSID.suffix(27))
        recording.callSID = callSID
        recording.streamSID = streamSID
        let (texts, out) = AsyncStream<String>.makeStream()
        outbox = out
        let startText = TwilioStreamMessages.start(streamSID: streamSID, callSID: callSID, accountSID: accountSID, parameters: parameters)
        let stopText = TwilioStreamMessages.stop(streamSID: streamSID, callSID: callSID, accountSID: accountSID)
        do {
            try await WebSocketClient.connect(url: streamURL, configuration: TwilioStreamMessages.clientConfiguration(signature: signature), logger: logger) { inbound, outbound, _ in
                try await outbound.writeTextMessage(TwilioStreamMessages.connected)
                try await outbound.writeTextMessage(startText)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for try await message in inbound.messages(maxSize: 1 << 20) {
                            if case .text(let text) = message { await self.received(text) }
                        }
                        await self.gatewayClosedSocket()
                    }
                    group.addTask {
                        for await text in texts { try await outbound.writeTextMessage(text) }
                    }
                    let ending = await self.speakAndListen(streamSID: streamSID)
                    switch ending {
                    case .endedByTwilio, .calleeHungUp:
                        // Twilio says `stop` when the call ends; written directly, as the writer may be cancelled.
                        try? await outbound.writeTextMessage(stopText)
                        try? await outbound.close(.normalClosure, reason: nil)
                    case .socketDropped, .timedOut:
                        try? await outbound.close(.goingAway, reason: nil)
                    case .closedByGateway:
                        break
                    }
                    out.finish()
                    group.cancelAll()
                }
            }
        } catch {
            if recording.events.isEmpty { throw SimulatorError.streamFailed("\(streamURL): \(error)") }
        }
        out.finish()
        return recording
    }

    /// The 20 ms loop: plays a frame, echoes marks, speaks the script, until the call ends.
    private func speakAndListen(streamSID: String) async -> CalleeRecording.Ending {
        let clock = ContinuousClock()
        let epoch = clock.now
        var chunk = 0
        var frame = [UInt8](repeating: G711.mulawSilence, count: 160)
        note("answered; stream \(streamSID) started")
        while true {
            nowMs = chunk * 20
            if gatewayClosed { return finish(.closedByGateway) }
            if Task.isCancelled { return finish(.endedByTwilio) }
            switch script.leaving {
            case .hangUp(let ms) where nowMs >= ms: return finish(.calleeHungUp)
            case .dropSocket(let ms) where nowMs >= ms: return finish(.socketDropped)
            default: break
            }
            if nowMs >= script.maxMilliseconds { return finish(.timedOut) }
            play()
            nextLine(into: &frame)
            chunk += 1
            outbox?.yield(Self.json(["event": "media", "sequenceNumber": "\(chunk + 1)", "streamSid": streamSID,
                                     "media": ["track": "inbound", "chunk": "\(chunk)", "timestamp": "\(nowMs)", "payload": Data(frame).base64EncodedString()]]))
            do {
                try await clock.sleep(until: epoch + .milliseconds(chunk * 20))
            } catch {
                return finish(.endedByTwilio)
            }
        }
    }

    private func finish(_ ending: CalleeRecording.Ending) -> CalleeRecording.Ending {
        recording.ending = ending
        if lastHeardAt >= 0 { recording.hangUpDelay = nowMs - lastHeardAt }
        note("stream ended: \(ending.rawValue)")
        return ending
    }

    /// Plays 20 ms: first echoes the marks whose audio has finished playing, then starts the next frame.
    private func play() {
        echoMarksAtHead()
        var frame: [UInt8] = []
        while frame.count < 160, case .audio(let bytes)? = queue.first {
            let take = min(160 - frame.count, bytes.count - headOffset)
            frame += bytes[headOffset..<(headOffset + take)]
            headOffset += take
            if headOffset == bytes.count { queue.removeFirst(); headOffset = 0 }
        }
        let pcm = G711.decodeMulaw(frame + [UInt8](repeating: G711.mulawSilence, count: 160 - frame.count))
        recording.heard += pcm
        guard !frame.isEmpty else { return }
        recording.playedMilliseconds[upcomingItem(), default: 0] += frame.count / 8
        if Self.isAudible(pcm) {
            heardSinceLine += 20
            lastHeardAt = nowMs
            if let since = awaitingResponseSince {
                recording.responseLatencies.append(nowMs - since)
                note("heard the assistant \(nowMs - since) ms after speaking")
                awaitingResponseSince = nil
            }
        }
    }

    private func echoMarksAtHead() {
        while case .mark(let name)? = queue.first {
            queue.removeFirst()
            echo(name)
        }
    }

    private func echo(_ name: String) {
        recording.marksEchoed += 1
        outbox?.yield(Self.json(["event": "mark", "streamSid": recording.streamSID, "sequenceNumber": "0", "mark": ["name": name]]))
    }

    /// The item of the next mark queued (the audio before a mark belongs to its item).
    private func upcomingItem() -> String {
        for entry in queue {
            if case .mark(let name) = entry, let mark = MarkName(name) { lastItem = mark.itemID; return mark.itemID }
        }
        return lastItem
    }

    /// Starts the next line when its trigger fires and fills `frame` with what is said now.
    private func nextLine(into frame: inout [UInt8]) {
        if speaking == nil, line < script.lines.count {
            let next = script.lines[line]
            let fire: Bool = switch next.trigger {
            case .after(let ms): nowMs - lastLineEnd >= ms
            case .afterHearing(let ms): heardSinceLine >= ms
            case .afterSilence(let ms): heardSinceLine > 0 && nowMs - lastHeardAt >= ms
            }
            if fire, let clip = try? next.mulaw() {
                let over = lastHeardAt == nowMs
                speaking = (clip, 0, over)
                line += 1
                awaitingResponseSince = nil
                lineVoiced = false
                note("callee says 「\(next.text)」\(over ? " over the assistant" : "")")
            }
        }
        guard var s = speaking else {
            for i in frame.indices { frame[i] = G711.mulawSilence }
            recording.said += [Int16](repeating: 0, count: 160)
            return
        }
        for i in 0..<160 { frame[i] = s.position + i < s.clip.count ? s.clip[s.position + i] : G711.mulawSilence }
        let pcm = G711.decodeMulaw(frame)
        recording.said += pcm
        if Self.isAudible(pcm) {
            // Latencies count from the speech itself, not from the clip's leading or trailing silence.
            if !lineVoiced && s.overAssistant && lastHeardAt >= nowMs - 20 { bargeInSince = nowMs }
            lineVoiced = true
            lastVoicedSent = nowMs + 20
        }
        s.position += 160
        if s.position >= s.clip.count {
            speaking = nil
            lastLineEnd = nowMs + 20
            heardSinceLine = 0
            awaitingResponseSince = lastVoicedSent
        } else {
            speaking = s
        }
    }

    /// A message from the gateway.
    private func received(_ text: String) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], let event = object["event"] as? String else {
            note("unreadable message from the gateway")
            return
        }
        switch event {
        case "media":
            guard let payload = (object["media"] as? [String: Any])?["payload"] as? String, let data = Data(base64Encoded: payload) else { return }
            queue.append(.audio([UInt8](data)))
        case "mark":
            guard let name = (object["mark"] as? [String: Any])?["name"] as? String else { return }
            if let item = MarkName(name)?.itemID, cutItems.contains(item) { recording.cutAudioAfterClear += 1 }
            queue.append(.mark(name))
        case "clear":
            recording.clears += 1
            var pending: [String] = []
            for case .mark(let name) in queue { pending.append(name) }
            queue.removeAll()
            headOffset = 0
            for name in pending {
                if let item = MarkName(name)?.itemID { cutItems.insert(item) }
                echo(name)
            }
            if let since = bargeInSince {
                recording.bargeInLatencies.append(nowMs - since)
                note("clear: the assistant stopped \(nowMs - since) ms after the callee cut in")
                bargeInSince = nil
            } else {
                note("clear")
            }
        default:
            note("unexpected \(event) from the gateway")
        }
    }

    private func gatewayClosedSocket() {
        gatewayClosed = true
    }

    private func note(_ what: String) {
        recording.events.append(.init(atMilliseconds: nowMs, what: what))
        logger.debug("\(what)")
    }

    /// Above about -50 dBFS.
    static func isAudible(_ pcm: [Int16]) -> Bool {
        var sum = 0.0
        for s in pcm { sum += Double(s) * Double(s) }
        return (sum / Double(max(1, pcm.count))).squareRoot() > 100
    }

    static func json(_ object: [String: Any]) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.withoutEscapingSlashes]) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}
