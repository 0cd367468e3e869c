/// What to ask Twilio for when creating a call (`POST …/Calls.json`).
public struct CallRequest: Sendable, Equatable {
    /// Machine detection modes (`MachineDetection`); always asynchronous so the stream opens at once.
    public enum MachineDetection: String, Sendable {
        case enable = "Enable"
        case detectMessageEnd = "DetectMessageEnd"
    }

    public var to: E164Number
    public var from: String
    /// Inline TwiML (at most 4000 characters).
    public var twiml: String
    /// Where Twilio posts `initiated`, `ringing`, `answered` and `completed`.
    public var statusCallback: String?
    /// Seconds to let it ring.
    public var timeoutSeconds: Int?
    public var machineDetection: MachineDetection?

    public init(to: E164Number, from: String, twiml: String, statusCallback: String? = nil, timeoutSeconds: Int? = nil, machineDetection: MachineDetection? = nil) {
        self.to = to
        self.from = from
        self.twiml = twiml
        self.statusCallback = statusCallback
        self.timeoutSeconds = timeoutSeconds
        self.machineDetection = machineDetection
    }

    /// The form fields, in Twilio's PascalCase.
    public var formFields: [(String, String)] {
        var f: [(String, String)] = [("To", to.rawValue), ("From", from), ("Twiml", twiml)]
        if let statusCallback {
            f.append(("StatusCallback", statusCallback))
            f.append(("StatusCallbackMethod", "POST"))
            for event in ["initiated", "ringing", "answered", "completed"] { f.append(("StatusCallbackEvent", event)) }
        }
        if let timeoutSeconds { f.append(("Timeout", String(timeoutSeconds))) }
        if let machineDetection {
            f.append(("MachineDetection", machineDetection.rawValue))
            f.append(("AsyncAmd", "true"))
            if let statusCallback { f.append(("AsyncAmdStatusCallback", statusCallback)) }
        }
        return f
    }
}
