import Foundation
import MediaCore
import Realtime

/// One connection to the simulated Realtime server: the GA protocol as the real service speaks it, as
/// far as a gateway can observe — `session.created`, GA-only `session.update` checks, energy VAD over
/// whatever format was negotiated, responses streamed faster than real time in deltas of varying size,
/// `response.cancel`, `conversation.item.truncate` checked against the audio sent, function calls.
actor SimulatedRealtimeSession {
    struct Settings: Sendable {
        var script: RealtimeScript
        var faults: [RealtimeFault]
        /// How much faster than real time response audio is sent.
        var speed: Double
        /// Deltas still sent after a response is cancelled (already in the service's pipeline).
        var deltasAfterCancel: Int
        var seed: UInt64
    }

    /// Texts to send, in order; finishing it closes the socket with ``closeCode``.
    nonisolated let outbox: AsyncStream<String>
    private let out: AsyncStream<String>.Continuation
    private(set) var closeCode: UInt16 = 1000
    private(set) var record: RealtimeSessionRecord
    private let settings: Settings
    private var random: SeededGenerator
    private let started = ContinuousClock.now
    private var eventCounter = 0
    private var itemCounter = 0

    // Session configuration.
    private var inputFormat: RealtimeAudioFormat = .pcm24k
    private var outputFormat: RealtimeAudioFormat = .pcm24k
    private var thresholdDB = -40.0
    private var prefixPaddingMs = 300
    private var silenceDurationMs = 500
    private var createResponse = true
    private var interruptResponse = true

    // Voice activity, in input audio time.
    private var windowEnergy = 0.0
    private var windowCount = 0
    private var appendedSamples = 0
    private var voicedMs = 0
    private var silentMs = 0
    private var speaking = false
    private var userItem = ""
    /// Echo mode: the input bytes kept (`inputLog[0]` is input byte `logStart`), and where the
    /// current utterance starts (its first voiced window), as input byte offsets.
    private var inputLog: [UInt8] = []
    private var logStart = 0
    /// Echo mode: the audio ms where the current utterance's echo starts.
    private var echoStartMs: Int?
    private var echoFrom: Int?

    // Responses.
    private var active: (id: String, task: Task<Void, Never>)?
    private var cancelReason: String?
    private var turn = 0
    private var transcript = 0
    /// Assistant audio items: ms sent so far.
    private var audioItems: [String: Int] = [:]
    private var clips: [SpeechClip: [UInt8]] = [:]
    private var ended = false

    init(id: String, model: String, authorization: String, settings: Settings) {
        (outbox, out) = AsyncStream<String>.makeStream()
        record = RealtimeSessionRecord(id: id, model: model, authorization: authorization)
        self.settings = settings
        random = SeededGenerator(seed: settings.seed)
    }

    // MARK: - Connection

    /// Sends `session.created` (or, for a beta-shaped client, the error and close 4000).
    func open(betaHeader: Bool) {
        if betaHeader {
            sendError(type: "invalid_request_error", code: "beta_api_shape_disabled", message: "The Realtime beta interface is switched off; remove the OpenAI-Beta header and use the GA interface.")
            close(code: 4000)
            return
        }
        send(["type": "session.created", "session": sessionObject(id: record.id)])
    }

    /// Runs the scripted faults; returns when they are done or the session ends.
    func runFaults() async {
        for fault in settings.faults {
            switch fault {
            case .refuseConnections:
                continue
            case .disconnect(let ms):
                await sleep(until: ms)
                guard !ended else { return }
                close(code: 1011)
            case .error(let type, let code, let message, let ms):
                await sleep(until: ms)
                guard !ended else { return }
                sendError(type: type, code: code, message: message)
            case .sessionExpired(let ms):
                await sleep(until: ms)
                guard !ended else { return }
                sendError(type: "invalid_request_error", code: "session_expired", message: "Your session hit the maximum duration of 60 minutes.")
                close(code: 1000)
            }
        }
    }

    private func sleep(until ms: Int) async {
        let due = started + .milliseconds(ms)
        try? await Task.sleep(until: due, clock: .continuous)
    }

    /// The client closed its side.
    func clientClosed() {
        if !ended { record.closedByClient = true }
        end()
    }

    private func close(code: UInt16) {
        closeCode = code
        end()
    }

    private func end() {
        guard !ended else { return }
        ended = true
        record.ended = true
        active?.task.cancel()
        out.finish()
    }

    // MARK: - Client events

    /// One text frame from the client.
    func receive(_ text: String) {
        guard !ended else { return }
        if text.hasPrefix(RealtimeClientEvent.appendPrefix), text.hasSuffix(#""}"#) {
            // Fast path for the gateway's appends (the load test sends tens of thousands a second).
            record.clientEvents["input_audio_buffer.append", default: 0] += 1
            let start = text.utf8.index(text.utf8.startIndex, offsetBy: RealtimeClientEvent.appendPrefix.utf8.count)
            let end = text.utf8.index(text.utf8.endIndex, offsetBy: -2)
            append(String(text[start..<end]))
            return
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], let type = object["type"] as? String else {
            sendError(type: "invalid_request_error", code: "invalid_json", message: "The message is not a JSON object with a type.")
            return
        }
        record.clientEvents[type, default: 0] += 1
        switch type {
        case "session.update": sessionUpdate(object["session"] as? [String: Any])
        case "input_audio_buffer.append": append(object["audio"] as? String)
        case "response.create":
            if active != nil {
                sendError(type: "invalid_request_error", code: "conversation_already_has_active_response", message: "Conversation already has an active response in progress.")
            } else {
                startResponse()
            }
        case "response.cancel":
            if let a = active { cancel(a.id, reason: "client_cancelled") } else {
                sendError(type: "invalid_request_error", code: "response_cancel_not_active", message: "Cancellation failed: no active response found")
            }
        case "conversation.item.truncate":
            truncate(itemID: object["item_id"] as? String ?? "", audioEndMs: (object["audio_end_ms"] as? NSNumber)?.intValue ?? -1)
        case "conversation.item.create":
            let item = object["item"] as? [String: Any] ?? [:]
            if item["type"] as? String == "function_call_output" {
                record.functionOutputs.append("\(item["call_id"] as? String ?? ""): \(item["output"] as? String ?? "")")
            }
            itemCounter += 1
            send(["type": "conversation.item.added", "item": item.merging(["id": "item_c\(itemCounter)"]) { a, _ in a }])
        case "input_audio_buffer.commit", "input_audio_buffer.clear", "conversation.item.delete", "conversation.item.retrieve":
            break
        default:
            sendError(type: "invalid_request_error", code: "invalid_value", message: "Invalid value: '\(type)'. Supported values are the GA client events.")
        }
    }

    private func sessionUpdate(_ session: [String: Any]?) {
        guard let session else {
            return refuseUpdate(code: "missing_required_parameter", message: "Missing required parameter: 'session'.", param: "session")
        }
        for beta in ["modalities", "input_audio_format", "output_audio_format", "input_audio_transcription", "turn_detection", "voice", "temperature"] where session[beta] != nil {
            return refuseUpdate(code: "unknown_parameter", message: "Unknown parameter: 'session.\(beta)'.", param: "session.\(beta)")
        }
        guard session["type"] as? String == "realtime" else {
            return refuseUpdate(code: "missing_required_parameter", message: "Missing required parameter: 'session.type'.", param: "session.type")
        }
        let audio = session["audio"] as? [String: Any] ?? [:]
        let input = audio["input"] as? [String: Any] ?? [:]
        let output = audio["output"] as? [String: Any] ?? [:]
        for (name, side) in [("input", input), ("output", output)] {
            guard let f = side["format"] as? [String: Any] else { continue }
            guard let format = Self.format(f) else {
                return refuseUpdate(code: "invalid_value", message: "Invalid value for 'session.audio.\(name).format'.", param: "session.audio.\(name).format")
            }
            if name == "input" { inputFormat = format } else { outputFormat = format }
        }
        if let td = input["turn_detection"] as? [String: Any] {
            if let t = (td["threshold"] as? NSNumber)?.doubleValue { thresholdDB = -40 + (t - 0.5) * 40 }
            prefixPaddingMs = (td["prefix_padding_ms"] as? NSNumber)?.intValue ?? prefixPaddingMs
            silenceDurationMs = (td["silence_duration_ms"] as? NSNumber)?.intValue ?? silenceDurationMs
            createResponse = td["create_response"] as? Bool ?? createResponse
            interruptResponse = td["interrupt_response"] as? Bool ?? interruptResponse
        }
        record.sessionUpdates += 1
        record.inputFormat = inputFormat
        record.outputFormat = outputFormat
        record.interruptResponse = interruptResponse
        record.instructions = session["instructions"] as? String ?? record.instructions
        send(["type": "session.updated", "session": sessionObject(id: record.id)])
    }

    private func refuseUpdate(code: String, message: String, param: String) {
        record.refusedSessionUpdates += 1
        sendError(type: "invalid_request_error", code: code, message: message, param: param)
    }

    static func format(_ f: [String: Any]) -> RealtimeAudioFormat? {
        switch f["type"] as? String {
        case "audio/pcmu": f["rate"] == nil ? .pcmu : nil
        case "audio/pcma": f["rate"] == nil ? .pcma : nil
        case "audio/pcm": ((f["rate"] as? NSNumber)?.intValue ?? 24000) == 24000 ? .pcm24k : nil
        default: nil
        }
    }

    private func sessionObject(id: String) -> [String: Any] {
        [
            "id": id, "object": "realtime.session", "type": "realtime", "model": record.model,
            "expires_at": Int(Date().timeIntervalSince1970) + 3600, "output_modalities": ["audio"],
            "audio": [
                "input": ["format": inputFormat.formatObject, "turn_detection": [
                    "type": "server_vad", "prefix_padding_ms": prefixPaddingMs, "silence_duration_ms": silenceDurationMs,
                    "create_response": createResponse, "interrupt_response": interruptResponse,
                ]],
                "output": ["format": outputFormat.formatObject],
            ],
        ]
    }

    // MARK: - Voice activity

    private func append(_ base64: String?) {
        guard let base64, let bytes = Base64.decode(base64) else {
            sendError(type: "invalid_request_error", code: "invalid_value", message: "Invalid 'audio'. Expected base64-encoded audio bytes.")
            return
        }
        if settings.script.echo { keepForEcho(bytes) }
        // Energy per 10 ms window, accumulated sample by sample (tables for G.711; no decoded copies).
        let rate = inputFormat == .pcm24k ? 24 : 8
        let window = 10 * rate
        let table = inputFormat == .pcma ? Self.alawSquares : Self.mulawSquares
        var i = 0
        while i < bytes.count {
            let square: Double
            if inputFormat == .pcm24k {
                guard i + 1 < bytes.count else { break }
                let s = Double(Int16(bitPattern: UInt16(bytes[i]) | UInt16(bytes[i + 1]) << 8))
                square = s * s
                i += 2
            } else {
                square = table[Int(bytes[i])]
                i += 1
            }
            windowEnergy += square
            windowCount += 1
            appendedSamples += 1
            if windowCount == window {
                detect(energy: windowEnergy / Double(window), nowMs: appendedSamples / rate)
                windowEnergy = 0
                windowCount = 0
            }
        }
        record.appendedMilliseconds = appendedSamples / rate
    }

    /// Energy VAD on one 10 ms window: speech after 30 ms above the threshold, its end after `silence_duration_ms` below.
    static let mulawSquares: [Double] = (0...255).map { let s = Double(G711.decodeMulawSample(UInt8($0))); return s * s }
    static let alawSquares: [Double] = (0...255).map { let s = Double(G711.decodeAlawSample(UInt8($0))); return s * s }

    private func detect(energy meanSquare: Double, nowMs: Int) {
        let rms = meanSquare.squareRoot()
        let db = 20 * log10(max(rms, 1e-9) / 32768)
        if db > thresholdDB {
            voicedMs += 10
            silentMs = 0
            if !speaking && voicedMs >= 30 {
                speaking = true
                itemCounter += 1
                userItem = "item_u\(itemCounter)"
                record.speechStarts += 1
                if settings.script.echo {
                    // The echo starts at the first voiced window, so a burst comes back from its onset.
                    let bytesPerSample = inputFormat == .pcm24k ? 2 : 1
                    echoFrom = max(logStart, (nowMs - voicedMs) * (inputFormat == .pcm24k ? 24 : 8) * bytesPerSample)
                    echoStartMs = nowMs - voicedMs
                }
                send(["type": "input_audio_buffer.speech_started", "audio_start_ms": max(0, nowMs - voicedMs - prefixPaddingMs), "item_id": userItem])
                if interruptResponse, let a = active { cancel(a.id, reason: "turn_detected") }
            }
        } else {
            silentMs += 10
            if !speaking { voicedMs = 0 }
            if speaking && silentMs >= silenceDurationMs {
                speaking = false
                voicedMs = 0
                send(["type": "input_audio_buffer.speech_stopped", "audio_end_ms": nowMs - silentMs, "item_id": userItem])
                if settings.script.echo, let start = echoStartMs, record.echoDelays.count < 100_000 {
                    record.echoDelays.append(nowMs - start)
                }
                send(["type": "input_audio_buffer.committed", "item_id": userItem, "previous_item_id": NSNull()])
                send(["type": "conversation.item.added", "item": ["id": userItem, "type": "message", "role": "user", "content": [["type": "input_audio"]]]])
                let text = transcript < settings.script.calleeTranscripts.count ? settings.script.calleeTranscripts[transcript] : ""
                transcript += 1
                send(["type": "conversation.item.input_audio_transcription.completed", "item_id": userItem, "content_index": 0, "transcript": text])
                if createResponse && active == nil { startResponse() }
            }
        }
    }

    /// Echo mode: keeps the last second of input, and all of an utterance in progress.
    private func keepForEcho(_ bytes: [UInt8]) {
        inputLog += bytes
        let keep = 1000 * inputFormat.bytesPerMillisecond
        let floor = echoFrom ?? Int.max
        if inputLog.count > 2 * keep, logStart + inputLog.count - keep < floor {
            let drop = inputLog.count - keep
            inputLog.removeFirst(drop)
            logStart += drop
        }
    }

    /// Echo mode: the utterance that just ended.
    private func takeUtterance() -> [UInt8] {
        guard let from = echoFrom else { return [] }
        echoFrom = nil
        return Array(inputLog[max(0, from - logStart)...])
    }

    // MARK: - Responses

    private func startResponse() {
        let id = "resp_sim\(record.responses + 1)"
        record.responses += 1
        var next = turn < settings.script.turns.count ? settings.script.turns[turn] : RealtimeScript.Turn()
        turn += 1
        if settings.script.echo {
            next = RealtimeScript.Turn()
            next.rawAudio = takeUtterance()
        }
        cancelReason = nil
        send(["type": "response.created", "response": ["id": id, "object": "realtime.response", "status": "in_progress", "output": []]])
        let task = Task { await self.play(next, responseID: id) }
        active = (id, task)
    }

    private func cancel(_ id: String, reason: String) {
        guard active?.id == id, cancelReason == nil else { return }
        cancelReason = reason
        record.cancellations.append(reason)
    }

    /// Streams one turn: audio in deltas of 20–200 ms at `speed` × real time, then function calls.
    private func play(_ turn: RealtimeScript.Turn, responseID: String) async {
        var outputs: [[String: Any]] = []
        if let audio = turn.rawAudio ?? turn.audio.flatMap(encoded), !audio.isEmpty {
            let text = turn.audio?.text ?? ""
            itemCounter += 1
            let itemID = "item_a\(itemCounter)"
            audioItems[itemID] = 0
            send(["type": "response.output_item.added", "response_id": responseID, "output_index": 0, "item": ["id": itemID, "type": "message", "role": "assistant", "status": "in_progress", "content": []]])
            send(["type": "response.content_part.added", "response_id": responseID, "item_id": itemID, "output_index": 0, "content_index": 0, "part": ["type": "output_audio"]])
            let bytesPerMs = outputFormat.bytesPerMillisecond
            var offset = 0
            var late = settings.deltasAfterCancel
            while offset < audio.count, !ended {
                if cancelReason != nil {
                    if late == 0 { break }
                    late -= 1
                }
                let ms = Int.random(in: 20...200, using: &random)
                let end = min(audio.count, offset + ms * bytesPerMs)
                send(["type": "response.output_audio.delta", "response_id": responseID, "item_id": itemID, "output_index": 0, "content_index": 0,
                      "delta": Data(audio[offset..<end]).base64EncodedString()])
                audioItems[itemID, default: 0] += (end - offset) / bytesPerMs
                offset = end
                try? await Task.sleep(for: .milliseconds(Int(Double(ms) / settings.speed)))
            }
            let ids: [String: Any] = ["response_id": responseID, "item_id": itemID, "output_index": 0, "content_index": 0]
            send(ids.merging(["type": "response.output_audio.done"]) { a, _ in a })
            let said = cancelReason == nil ? text : String(text.prefix(text.count * offset / max(1, audio.count)))
            send(ids.merging(["type": "response.output_audio_transcript.done", "transcript": said]) { a, _ in a })
            let status = cancelReason == nil ? "completed" : "incomplete"
            let item: [String: Any] = ["id": itemID, "type": "message", "role": "assistant", "status": status, "content": [["type": "output_audio", "transcript": said]]]
            send(["type": "response.output_item.done", "response_id": responseID, "output_index": 0, "item": item])
            outputs.append(item)
        }
        for (index, call) in turn.functionCalls.enumerated() where cancelReason == nil && !ended {
            itemCounter += 1
            let itemID = "item_f\(itemCounter)", callID = "call_sim\(itemCounter)"
            let item: [String: Any] = ["id": itemID, "type": "function_call", "status": "completed", "call_id": callID, "name": call.name, "arguments": call.arguments]
            send(["type": "response.output_item.added", "response_id": responseID, "output_index": index + 1, "item": item.merging(["status": "in_progress", "arguments": ""]) { _, b in b }])
            send(["type": "response.function_call_arguments.done", "response_id": responseID, "item_id": itemID, "output_index": index + 1,
                  "call_id": callID, "name": call.name, "arguments": call.arguments])
            send(["type": "response.output_item.done", "response_id": responseID, "output_index": index + 1, "item": item])
            outputs.append(item)
        }
        var response: [String: Any] = ["id": responseID, "object": "realtime.response", "output": outputs]
        if let reason = cancelReason {
            response["status"] = "cancelled"
            response["status_details"] = ["type": "cancelled", "reason": reason]
        } else {
            response["status"] = "completed"
        }
        if !ended { send(["type": "response.done", "response": response]) }
        if active?.id == responseID { active = nil }
    }

    /// The clip in the session's output format (cached).
    private func encoded(_ clip: SpeechClip) -> [UInt8]? {
        if let c = clips[clip] { return c }
        guard let pcm = try? clip.samples() else { return nil }
        let bytes: [UInt8]
        switch outputFormat {
        case .pcmu: bytes = G711.encodeMulaw(pcm)
        case .pcma: bytes = G711.encodeAlaw(pcm)
        case .pcm24k:
            guard let up = try? Resampler(inputRate: 8000, outputRate: 24000), let wide = try? up.process(pcm) else { return nil }
            var b = [UInt8](); b.reserveCapacity(wide.count * 2)
            for s in wide { let v = UInt16(bitPattern: s); b.append(UInt8(v & 0xFF)); b.append(UInt8(v >> 8)) }
            bytes = b
        }
        clips[clip] = bytes
        return bytes
    }

    private func truncate(itemID: String, audioEndMs: Int) {
        guard let sent = audioItems[itemID] else {
            record.truncations.append(.init(itemID: itemID, audioEndMilliseconds: audioEndMs, itemMilliseconds: 0, accepted: false))
            return sendError(type: "invalid_request_error", code: "invalid_value", message: "Invalid 'item_id': no assistant audio item '\(itemID)'.", param: "item_id")
        }
        guard audioEndMs >= 0, audioEndMs <= sent else {
            record.truncations.append(.init(itemID: itemID, audioEndMilliseconds: audioEndMs, itemMilliseconds: sent, accepted: false))
            return sendError(type: "invalid_request_error", code: "invalid_value", message: "audio_end_ms \(audioEndMs) is beyond the item's \(sent) ms of audio.", param: "audio_end_ms")
        }
        record.truncations.append(.init(itemID: itemID, audioEndMilliseconds: audioEndMs, itemMilliseconds: sent, accepted: true))
        send(["type": "conversation.item.truncated", "item_id": itemID, "content_index": 0, "audio_end_ms": audioEndMs])
    }

    // MARK: - Sending

    private func sendError(type: String, code: String, message: String, param: String? = nil) {
        record.errorsSent.append(code)
        var error: [String: Any] = ["type": type, "code": code, "message": message]
        error["param"] = param ?? NSNull()
        send(["type": "error", "error": error])
    }

    private func send(_ event: [String: Any]) {
        guard !ended else { return }
        eventCounter += 1
        var e = event
        e["event_id"] = "event_sim\(eventCounter)"
        guard let data = try? JSONSerialization.data(withJSONObject: e, options: [.withoutEscapingSlashes]) else { return }
        out.yield(String(decoding: data, as: UTF8.self))
    }
}
