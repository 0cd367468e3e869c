extension SimulatedFault {
    /// The body of `POST /sim/faults`, e.g.
    /// `{"endpoint":"createCall","status":500,"code":20500,"message":"down","times":3}`,
    /// `{"to":"+819012345678","status":400,"code":21215,"message":"Geo permissions","shape":"problem"}`,
    /// `{"endpoint":"createCall","delay_ms":15000}`.
    struct Request: Decodable {
        var endpoint: TwilioEndpoint?
        var to: String?
        var status: Int?
        var code: Int?
        var message: String?
        var shape: String?
        var delay_ms: Int?
        var times: Int?

        /// The fault and where it goes, or nil when the body names no target or an unknown shape.
        var fault: (SimulatedFault, FaultTarget, Int)? {
            let target: FaultTarget
            if let endpoint { target = .endpoint(endpoint) } else if let to { target = .destination(to) } else { return nil }
            let faultShape: Shape
            switch shape ?? "legacy" {
            case "legacy": faultShape = .legacy
            case "problem": faultShape = .problem
            default: return nil
            }
            let delay = Duration.milliseconds(delay_ms ?? 0)
            let fault = status.map { SimulatedFault.error(status: $0, code: code ?? 0, message: message ?? "Simulated error", shape: faultShape, after: delay) }
                ?? .delay(delay)
            return (fault, target, times ?? 1)
        }
    }
}
