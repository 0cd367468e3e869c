extension TwilioAPISimulator {
    /// Makes the next `times` requests to `endpoint` misbehave as `fault` says; afterwards they are
    /// answered normally again. Faults for the same endpoint queue up in the order injected.
    ///
    /// A faulted request is still recorded, and an error answer creates or changes nothing.
    public func inject(_ fault: SimulatedFault, on endpoint: TwilioEndpoint, times: Int = 1) {
        add(fault, for: .endpoint(endpoint), times: times)
    }

    /// Makes the next `times` call creations to `number` (E.164, as sent in `To`) misbehave.
    /// An endpoint fault for `createCall` is applied first.
    public func inject(_ fault: SimulatedFault, forCallsTo number: String, times: Int = 1) {
        add(fault, for: .destination(number), times: times)
    }

    func add(_ fault: SimulatedFault, for target: FaultTarget, times: Int) {
        guard times > 0 else { return }
        faults[target, default: []].append(PendingFault(fault: fault, remaining: times))
    }

    /// Removes every fault not yet applied.
    public func clearFaults() {
        faults.removeAll()
    }

    /// The fault for this request, if any, counting it as used.
    func takeFault(for endpoint: TwilioEndpoint, destination: String?) -> SimulatedFault? {
        if let fault = take(.endpoint(endpoint)) { return fault }
        if endpoint == .createCall, let destination, let fault = take(.destination(destination)) { return fault }
        return nil
    }

    private func take(_ target: FaultTarget) -> SimulatedFault? {
        guard var queue = faults[target], !queue.isEmpty else { return nil }
        let fault = queue[0].fault
        queue[0].remaining -= 1
        if queue[0].remaining == 0 { queue.removeFirst() }
        faults[target] = queue.isEmpty ? nil : queue
        return fault
    }
}
