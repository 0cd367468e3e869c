/// The simulated account's state: one owner for calls, faults and the request log.
actor TwilioSimulatorState {
    private(set) var calls: [SimulatedCall] = []
    private(set) var requests: [RecordedRequest] = []
    private var faults: [(endpoint: SimulatedFault.Endpoint, fault: SimulatedFault, remaining: Int, to: String?)] = []
    /// Requests kept at most (the oldest go first), so a long load test stays bounded.
    private let maxRecorded = 50_000

    func record(_ request: RecordedRequest) {
        if requests.count >= maxRecorded { requests.removeFirst(requests.count / 2) }
        requests.append(request)
    }

    func add(_ fault: SimulatedFault, endpoint: SimulatedFault.Endpoint, times: Int, to: String?) {
        faults.append((endpoint, fault, times, to))
    }

    func clearFaults() { faults.removeAll() }

    /// The fault to apply to a request, consuming one use of it.
    func takeFault(for endpoint: SimulatedFault.Endpoint, to: String?) -> SimulatedFault? {
        guard let i = faults.firstIndex(where: { ($0.endpoint == .any || $0.endpoint == endpoint) && ($0.to == nil || $0.to == to) && $0.remaining > 0 }) else { return nil }
        faults[i].remaining -= 1
        let fault = faults[i].fault
        if faults[i].remaining == 0 { faults.remove(at: i) }
        return fault
    }

    func add(_ call: SimulatedCall) {
        if calls.count >= maxRecorded { calls.removeFirst(calls.count / 2) }
        calls.append(call)
    }

    func call(sid: String) -> SimulatedCall? { calls.last { $0.sid == sid } }

    func update(sid: String, _ change: (inout SimulatedCall) -> Void) {
        guard let i = calls.lastIndex(where: { $0.sid == sid }) else { return }
        change(&calls[i])
    }
}
