import HTTPTypes
import HummingbirdWSClient
import Twilio

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

    /// The WebSocket client settings of a simulated Twilio media stream: large frames allowed, and
    /// Twilio's `X-Twilio-Signature` on the upgrade request when there is one.
    static func clientConfiguration(signature: String?) -> WebSocketClientConfiguration {
        var headers = HTTPFields()
        if let signature { headers[HTTPField.Name(TwilioSignature.header)!] = signature }
        return WebSocketClientConfiguration(maxFrameSize: 1 << 20, additionalHeaders: headers)
    }
}
