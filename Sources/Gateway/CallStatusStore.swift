import Twilio

/// Twilio's status callbacks per call, kept in `SequenceNumber` order because
/// they can arrive out of order. Bounded: the oldest calls are forgotten first.
public actor CallStatusStore {
    /// One callback.
    public struct Event: Sendable, Equatable {
        public var sequenceNumber: Int
        public var callStatus: String
        public var timestamp: String?
        public var answeredBy: String?
        public var callDuration: String?
    }

    private var events: [String: [Event]] = [:]
    private var waiters: [(sid: String, status: String, continuation: CheckedContinuation<Void, Never>)] = []
    private var order: [String] = []
    private let capacity: Int

    public init(capacity: Int = 10_000) { self.capacity = capacity }

    /// Records a callback from its form fields; false when it lacks CallSid or CallStatus.
    @discardableResult
    public func record(form: [String: String]) -> Bool {
        guard let sid = form["CallSid"], !sid.isEmpty, let status = form["CallStatus"], !status.isEmpty else { return false }
        // Without a SequenceNumber (older accounts, AMD callbacks) the callback goes last.
        let seq = form["SequenceNumber"].flatMap { Int($0) } ?? Int.max
        let event = Event(sequenceNumber: seq, callStatus: status, timestamp: form["Timestamp"], answeredBy: form["AnsweredBy"], callDuration: form["CallDuration"])
        if events[sid] == nil {
            order.append(sid)
            if order.count > capacity { events[order.removeFirst()] = nil }
        }
        var list = events[sid, default: []]
        if !list.contains(where: { $0.sequenceNumber == seq && seq != Int.max }) {  // Twilio retries: keep one
            let at = list.firstIndex { $0.sequenceNumber > seq } ?? list.endIndex
            list.insert(event, at: at)
        }
        events[sid] = list
        let statuses = Set(list.map(\.callStatus))
        let isReady = { (w: (sid: String, status: String, continuation: CheckedContinuation<Void, Never>)) in w.sid == sid && statuses.contains(w.status) }
        let ready = waiters.filter(isReady)
        waiters.removeAll(where: isReady)
        for w in ready { w.continuation.resume() }
        return true
    }

    /// Returns once a callback with `status` has been recorded for `callSID`.
    public func waitFor(callSID: String, status: String) async {
        if events[callSID]?.contains(where: { $0.callStatus == status }) == true { return }
        await withCheckedContinuation { waiters.append((callSID, status, $0)) }
    }

    /// The callbacks of `callSID` in sequence order.
    public func events(callSID: String) -> [Event] { events[callSID] ?? [] }

    /// The status of the latest callback in sequence order.
    public func status(callSID: String) -> String? { events[callSID]?.last?.callStatus }
}
