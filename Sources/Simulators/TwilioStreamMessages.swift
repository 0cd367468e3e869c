/// The messages Twilio itself sends on a media stream (`connected`, `start`, `stop`), as the
/// simulated callees send them.
enum TwilioStreamMessages {
    static let connected = #"{"event":"connected","protocol":"Call","version":"1.0.0"}"#

    /// `start` for a μ-law 8 kHz inbound stream with the TwiML's `<Parameter>`s.
    static func start(streamSID: String, callSID: String, accountSID: String, parameters: [(name: String, value: String)]) -> String {
        var custom: [String: String] = [:]
        for p in parameters { custom[p.name] = p.value }
        return SimulatedCallee.json([
            "event": "start", "sequenceNumber": "1", "streamSid": streamSID,
            "start": ["streamSid": streamSID, "accountSid": accountSID, "callSid": callSID, "tracks": ["inbound"],
                      "customParameters": custom, "mediaFormat": ["encoding": "audio/x-mulaw", "sampleRate": 8000, "channels": 1]],
        ])
    }

    static func stop(streamSID: String, callSID: String, accountSID: String) -> String {
        SimulatedCallee.json(["event": "stop", "streamSid": streamSID, "stop": ["accountSid": accountSID, "callSid": callSID]])
    }
}
