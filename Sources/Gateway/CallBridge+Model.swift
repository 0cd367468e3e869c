import Logging
import Foundation
import MediaCore
import Realtime
import Twilio

extension CallBridge {
    /// The Realtime socket is open.
    func modelOpened() {
        modelOpen = true
        note("model connected")
    }

    /// The Realtime connection failed or closed; either way the call cannot go on.
    func modelEnded(_ ending: Result<RealtimeClient.Ending, RealtimeConnectionError>) async {
        guard !ended else { return }
        switch ending {
        case .failure(let error):
            metrics.realtimeError(code: "connect_failed")
            await finish(.realtimeUnavailable(error.description))
        case .success(.closedByClient):
            await finish(.realtimeDropped("closed"))
        case .success(.closedByServer(let code, let reason)):
            metrics.realtimeError(code: "closed_by_server")
            await finish(.realtimeDropped("closed by the server (code \(code.map(String.init) ?? "none")\(reason.map { ", \($0)" } ?? ""))"))
        }
    }

    /// One event from the model.
    func model(_ event: RealtimeServerEvent) async {
        guard !ended else { return }
        switch event {
        case .sessionCreated(let id):
            note("session created \(id)")
        case .sessionUpdated:
            sessionReady = true
            note("session configured")
            maybeGreet()
        case .speechStarted:
            calleeSpoke = true
            note("callee started speaking")
            bargeIn()
        case .speechStopped:
            note("callee stopped speaking")
        case .responseCreated(let id):
            activeResponse = id
            note("response \(id) started")
        case .audioDelta(let responseID, let itemID, let audio):
            assistantAudio(responseID: responseID, itemID: itemID, audio: audio)
        case .audioDone(let responseID, let itemID):
            guard !discardedResponses.contains(responseID), let item = items[itemID] else { return }
            items[itemID]?.audioDone = true
            endOutbound(handle: item.handle)
            bell.yield()
        case .assistantTranscript(_, let text) where text.isEmpty:
            break
        case .calleeTranscript(_, let text) where text.isEmpty:
            break
        case .assistantTranscript(let itemID, let text):
            let cut = report.truncations.last { $0.itemID == itemID }?.audioEndMilliseconds
            report.transcript.append(.init(speaker: .assistant, text: text, atMilliseconds: Int(now), itemID: itemID, cutAtMilliseconds: cut))
        case .calleeTranscript(_, let text):
            report.transcript.append(.init(speaker: .callee, text: text, atMilliseconds: Int(now)))
        case .functionCall(let callID, let name, let arguments, _, let responseID):
            runTool(callID: callID, name: name, arguments: arguments, responseID: responseID)
        case .responseDone(let id, let status, let reason):
            if activeResponse == id { activeResponse = nil }
            note("response \(id) \(status)\(reason.map { " (\($0))" } ?? "")")
            if responseCreatePending && hangUpRequestedAt == nil {
                responseCreatePending = false
                modelOut.yield(RealtimeClientEvent.createResponse.json())
            }
            await hangUpIfPlayedOut()
        case .itemTruncated(let itemID, let ms):
            note("model truncated \(itemID) at \(ms) ms")
        case .error(let type, let code, let message, _):
            await modelError(type: type, code: code, message: message)
        case .other:
            break
        }
    }

    /// The assistant greets first when the callee has not spoken within the greeting wait.
    func maybeGreet() {
        guard greetingDue, sessionReady, !calleeSpoke, !greeted, activeResponse == nil, !ended else { return }
        greeted = true
        note("callee silent: assistant greets first")
        modelOut.yield(RealtimeClientEvent.createResponse.json())
    }

    /// Model audio: converted to μ-law and queued in the playout framer, unless its response was cut.
    func assistantAudio(responseID: String, itemID: String, audio: [UInt8]) {
        if discardedResponses.contains(responseID) {
            report.droppedDeltas += 1
            return
        }
        var item = items[itemID] ?? {
            let handle = nextHandle
            nextHandle = nextHandle == UInt32.max ? 1 : nextHandle + 1
            itemIDs[handle] = itemID
            return Item(handle: handle, responseID: responseID)
        }()
        if lastAudioResponse != responseID {
            lastAudioResponse = responseID
            note("first audio of \(responseID)")
        }
        item.receivedBytes += audio.count
        items[itemID] = item
        if latencyProbe == nil, framer.queuedMilliseconds == 0, overflow.isEmpty { latencyProbe = clock.now }
        do {
            try path.outbound(audio) { queueOutbound($0, handle: item.handle) }
        } catch {
            logger.warning("outbound audio dropped: \(error)")
        }
        bell.yield()
    }

    /// Barge-in (design §4.4): clear Twilio's buffer, start a new generation, cut the response,
    /// and truncate each unheard item at what the callee actually heard.
    func bargeIn() {
        let t = now
        let bytesPerMs = settings.audioFormat.bytesPerMillisecond
        let unheard = items.filter { _, item in
            framer.playedMilliseconds(item: item.handle) < item.receivedBytes / bytesPerMs
        }.sorted { $0.value.handle < $1.value.handle }
        guard activeResponse != nil || !unheard.isEmpty else { return }
        metrics.bargeIn()
        latencyProbe = nil
        recording?.cleared()
        sendToTwilio(twilioMessages.clear)
        let generation = framer.flush(now: t)
        overflow.removeAll()
        overflowBytes = 0
        if let active = activeResponse {
            discardedResponses.insert(active)
            // The server cancels by itself when interrupt_response is on (it is, in our session.update).
            if !serverCancelsOnSpeech {
                modelOut.yield(RealtimeClientEvent.cancelResponse.json())
            }
        }
        for (id, item) in unheard {
            let received = item.receivedBytes / bytesPerMs
            let played = Int(framer.playedMilliseconds(item: item.handle))
            let end = min(received, played + settings.bargeInMarginMilliseconds)
            modelOut.yield(RealtimeClientEvent.truncate(itemID: id, audioEndMilliseconds: end).json())
            report.truncations.append(.init(itemID: id, audioEndMilliseconds: end, receivedMilliseconds: received, atMilliseconds: Int(t)))
            for i in report.transcript.indices where report.transcript[i].itemID == id { report.transcript[i].cutAtMilliseconds = end }
            discardedResponses.insert(item.responseID)
            items[id] = nil
            note("barge-in: cleared, generation \(generation), truncated \(id) at \(end) of \(received) ms (marks: \(played) ms)")
        }
    }

    /// Runs a completed function call and answers it (always, errors included).
    /// A call in a response the callee cut off is still answered (the model expects an output), but
    /// neither hangs up nor asks for a new response: the callee is talking, and server VAD answers them.
    func runTool(callID: String, name: String, arguments: String, responseID: String) {
        let cut = discardedResponses.contains(responseID)
        let output: String
        switch name {
        case SafetyConfirmationTools.recordSafetyStatus.name:
            do {
                let status = try SafetyStatus.parse(arguments: arguments)
                report.safetyStatus = status
                note("safety status: \(status.status.rawValue)")
                logger.info("safety status recorded", metadata: ["status": "\(status.status.rawValue)", "details": "\(status.details)", "location": "\(status.location)"])
                output = #"{"ok":true}"#
            } catch {
                output = Self.errorOutput(error.description)
            }
            responseCreatePending = !cut
        case SafetyConfirmationTools.endCall.name where cut:
            note("end_call of a cut response: the callee is speaking, the call goes on")
            output = Self.errorOutput("the callee started speaking before the goodbye was heard; the call continues")
        case SafetyConfirmationTools.endCall.name:
            hangUpRequestedAt = now
            note("end_call: hanging up after the last words")
            output = #"{"ok":true}"#
        default:
            output = Self.errorOutput("unknown tool '\(name)'")
            responseCreatePending = !cut
        }
        modelOut.yield(RealtimeClientEvent.functionCallOutput(callID: callID, output: output).json())
        if responseCreatePending && activeResponse == nil && hangUpRequestedAt == nil {
            responseCreatePending = false
            modelOut.yield(RealtimeClientEvent.createResponse.json())
        }
    }

    static func errorOutput(_ message: String) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: ["ok": false, "error": message])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// An `error` event: most are logged and the call goes on; some end it.
    func modelError(type: String, code: String?, message: String) async {
        let name = code ?? type
        report.realtimeErrors.append(name)
        metrics.realtimeError(code: name)
        switch name {
        case "response_cancel_not_active", "conversation_already_has_active_response":
            logger.debug("benign Realtime error \(name): \(message)")
        case "session_expired":
            await finish(.sessionExpired)
        default:
            if !sessionReady || type == "server_error" {
                await finish(.realtimeError(code: name, message: message))
            } else {
                logger.warning("Realtime error \(name): \(message)")
                note("model error \(name)")
            }
        }
    }
}
