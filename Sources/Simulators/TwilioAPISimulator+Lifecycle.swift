import Twilio

extension TwilioAPISimulator {
    /// Walks one call through initiated, ringing, answered and completed while a sibling task sends
    /// its status callbacks. Runs as a child of the simulator's background task.
    nonisolated func runCall(_ sid: String) async {
        guard let handles = await progressHandles(sid) else { return }
        let (callbacks, sink) = AsyncStream.makeStream(of: StatusCallback.self)
        await withDiscardingTaskGroup { group in
            group.addTask { await self.deliver(callbacks, shuffleIndex: handles.index) }
            await progress(sid, ended: handles.ended) { step in
                if let callback = step?.callback { sink.yield(callback) }
            }
            sink.finish()
        }
    }

    private nonisolated func progress(_ sid: String, ended: OneShotSignal, emit: (Step?) -> Void) async {
        emit(await advance(sid, to: .initiated))
        emit(await advance(sid, to: .ringing))
        _ = await OneShotSignal.sleep(for: configuration.ringDuration, unless: ended)
        guard !Task.isCancelled else { return }
        if let outcome = await unansweredOutcome(sid) {
            emit(await advance(sid, to: .completed, endingAs: outcome))
            return
        }
        if let answered = await advance(sid, to: .answered) {
            emit(answered)
            await talk(answered.call, until: ended)
            guard !Task.isCancelled else { return }
        }
        emit(await advance(sid, to: .completed))
    }

    /// The answered part of the call: the dialer's callee, or a fixed duration, or until hung up.
    private nonisolated func talk(_ call: SimulatedCall, until ended: OneShotSignal) async {
        var signed = call
        // Twilio signs the upgrade request over the <Stream> URL alone (protocols.md §3.7).
        signed.streamSignature = call.streamURL.map { TwilioSignature(authToken: configuration.authToken).sign(url: $0) }
        let call = signed
        if let dialer {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await dialer(call) }
                group.addTask { await ended.wait() }
                // Whichever ends first ends the call: the callee hung up, or the call was ended for it.
                await group.next()
                group.cancelAll()
            }
        } else if let duration = configuration.callDuration {
            _ = await OneShotSignal.sleep(for: duration, unless: ended)
        } else {
            await ended.wait()
        }
    }
}
