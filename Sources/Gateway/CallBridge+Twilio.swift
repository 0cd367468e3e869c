import Logging
import MediaCore
import Realtime

extension CallBridge {
    /// A Twilio event after `start`.
    func twilio(_ outcome: MediaStreamSession.Outcome) async {
        guard !ended else { return }
        switch outcome {
        case .media(let chunk, let timestamp, let payload):
            calleeAudio(chunk: chunk, timestamp: timestamp, payload: payload)
        case .mark(let name):
            await markEchoed(name)
        case .dtmf(let digit):
            note("callee pressed \(digit)")
        case .stopped:
            await finish(.calleeHungUp)
        case .none, .started:
            break
        }
    }

    /// Twilio's socket ended; `stopped` tells a clean `stop` from a drop.
    func twilioClosed(reason: String?) async {
        guard !ended else { return }
        if let reason { note("Twilio stream closed: \(reason)") }
        await finish(.twilioDisconnected)
    }

    /// Callee audio: through the jitter buffer (reorder, gap fill), then to the model in its format.
    func calleeAudio(chunk: UInt32, timestamp: UInt32, payload: [UInt8]) {
        let t = now
        do {
            try payload.withUnsafeBufferPointer { try jitter.push($0, timestamp: timestamp, chunk: chunk, now: t) }
        } catch {
            logger.notice("inbound frame refused: \(error)")
            return
        }
        while inboundFrame.withUnsafeMutableBufferPointer({ jitter.pop(now: t, into: $0) }) != .empty {
            inboundFrame.withUnsafeBufferPointer { recording?.callee($0) }
            if !modelOpen && report.framesToModel >= settings.maxPendingFramesBeforeOpen { continue }
            do {
                let audio = try inboundFrame.withUnsafeBufferPointer { try path.inbound($0) }
                if !audio.isEmpty { modelOut.yield(RealtimeClientEvent.appendAudio(audio).json()) }
                report.framesToModel += 1
            } catch {
                logger.warning("inbound conversion failed: \(error)")
            }
        }
    }

    /// A mark came back: the audio before it has played (or, of an old generation, was cleared).
    func markEchoed(_ text: String) async {
        guard let mark = MarkName(text), let item = items[mark.itemID] else { return }
        framer.markPlayed(item: item.handle, sentMilliseconds: mark.sentMilliseconds, generation: mark.generation, now: now)
        if item.audioDone, framer.playedMilliseconds(item: item.handle) >= framer.sentMilliseconds(item: item.handle), framer.queuedMilliseconds == 0 {
            // Heard to its end: forget it (a long call keeps only what can still be cut).
            items[mark.itemID] = nil
            itemIDs[item.handle] = nil
        }
        await hangUpIfPlayedOut()
    }
}
