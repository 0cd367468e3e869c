import Foundation

extension TwilioAPISimulator {
    /// What a progress step produced: the call as it then stands and the callback to send, if any.
    struct Step: Sendable {
        var call: SimulatedCall
        var callback: StatusCallback?
    }

    /// Moves the call to `event` (unless it is over, except for `completed`, which ends it)
    /// and builds the status callback when the client asked for that event.
    func advance(_ sid: String, to event: ProgressEvent, endingAs finalStatus: SimulatedCall.Status = .completed) async -> Step? {
        guard var record = records[sid] else { return nil }
        let now = Date()
        var endedNow = false
        switch event {
        case .initiated:
            guard !record.call.status.isOver else { return nil }
        case .ringing:
            guard !record.call.status.isOver else { return nil }
            record.call.status = .ringing
            record.dateUpdated = now
        case .answered:
            guard !record.call.status.isOver else { return nil }
            record.call.status = .inProgress
            record.answeredAt = .now
            record.startTime = now
            record.dateUpdated = now
        case .completed:
            guard !record.completedReported else { return nil }
            record.completedReported = true
            endedNow = record.end(finalStatus, now: now)
        }
        let callback = makeCallback(&record, event: event, now: now)
        records[sid] = record
        if endedNow {
            // After the last write: the actor may run other work while this waits.
            observer?(.ended(record.call))
            await record.ended.fire()
        }
        return Step(call: record.call, callback: callback)
    }

    /// The callback for `event`, numbering it, or nil when callbacks are off or not asked for.
    private func makeCallback(_ record: inout CallRecord, event: ProgressEvent, now: Date) -> StatusCallback? {
        let call = record.call
        guard configuration.sendsStatusCallbacks, let url = call.statusCallback, !url.isEmpty else { return nil }
        let wanted = call.statusCallbackEvents.isEmpty ? ["completed"] : call.statusCallbackEvents.map { $0.lowercased() }
        guard wanted.contains(event.rawValue) else { return nil }
        let callStatus = switch event {
        case .initiated: "initiated"
        case .ringing: "ringing"
        case .answered: "in-progress"
        case .completed: call.status.rawValue
        }
        let sequenceNumber = record.nextSequenceNumber
        record.nextSequenceNumber += 1
        var form = [
            FormField("CallSid", call.sid), FormField("AccountSid", call.accountSID),
            FormField("From", call.from), FormField("To", call.to),
            FormField("Caller", call.from), FormField("Called", call.to),
            FormField("CallStatus", callStatus), FormField("Direction", "outbound-api"),
            FormField("ApiVersion", "2010-04-01"), FormField("CallbackSource", "call-progress-events"),
            FormField("SequenceNumber", String(sequenceNumber)), FormField("Timestamp", TwilioTimestamp.string(now)),
        ]
        if event == .completed {
            let seconds = call.duration ?? 0
            form.append(FormField("CallDuration", String(seconds)))
            form.append(FormField("Duration", String((seconds + 59) / 60)))
        }
        return StatusCallback(callSID: call.sid, url: url, method: call.statusCallbackMethod, sequenceNumber: sequenceNumber, callStatus: callStatus, form: form)
    }

    /// The signal that fires when the call ends, and the call's index (for the callback shuffle).
    func progressHandles(_ sid: String) -> (ended: OneShotSignal, index: UInt64)? {
        records[sid].map { ($0.ended, $0.index) }
    }

    /// Notes the outcome of a status callback on the call.
    func recordDelivery(_ callback: StatusCallback, responseStatus: Int?) {
        records[callback.callSID]?.call.callbacks.append(
            SimulatedCall.Callback(sequenceNumber: callback.sequenceNumber, callStatus: callback.callStatus, responseStatus: responseStatus))
    }

    /// The next not-answered outcome for the call's number, if it has one left.
    func unansweredOutcome(_ sid: String) -> SimulatedCall.Status? {
        guard let to = records[sid]?.call.to, var outcomes = unansweredLeft[to], !outcomes.isEmpty else { return nil }
        let next = outcomes.removeFirst()
        unansweredLeft[to] = outcomes
        return next
    }
}
