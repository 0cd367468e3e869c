/// What the simulated model says, turn by turn. Each response the model makes (after the callee's
/// speech with `create_response`, or on `response.create`) takes the next turn; when the turns run out
/// it answers with an empty response.
public struct RealtimeScript: Sendable {
    /// One response: optional audio with its transcript, then function calls.
    public struct Turn: Sendable {
        public var audio: SpeechClip?
        public var functionCalls: [(name: String, arguments: String)]
        /// Audio already in the session's output format (echo mode); wins over `audio`.
        var rawAudio: [UInt8]?

        public init(audio: SpeechClip? = nil, functionCalls: [(name: String, arguments: String)] = []) {
            self.audio = audio
            self.functionCalls = functionCalls
        }
    }

    public var turns: [Turn]
    /// Echo mode: every response repeats the callee's last utterance (the audio appended between
    /// speech start and stop, in the session's formats) instead of taking a turn.
    public var echo = false
    /// What the transcription of each callee utterance says, in order (the simulator does no recognition).
    public var calleeTranscripts: [String]

    public init(turns: [Turn], calleeTranscripts: [String] = []) {
        self.turns = turns
        self.calleeTranscripts = calleeTranscripts
    }

    /// A model that answers each utterance with the same audio (for round trips and load tests).
    public static let echo: RealtimeScript = {
        var s = RealtimeScript(turns: [])
        s.echo = true
        return s
    }()

    /// The safety-confirmation conversation of the demo and the tests: greeting (which the callee cuts
    /// off), a gentle repeat, `record_safety_status`, goodbye and `end_call`.
    public static let safetyConfirmation = RealtimeScript(
        turns: [
            Turn(audio: .assistantGreeting),
            Turn(audio: .assistantWait),
            Turn(functionCalls: [("record_safety_status", #"{"status":"safe","details":"けがなし。家族も無事。","location":"自宅"}"#)]),
            Turn(audio: .assistantGoodbye, functionCalls: [("end_call", #"{"reason":"安否確認が完了しました"}"#)]),
        ],
        calleeTranscripts: [SpeechClip.calleeMoshimoshi.text, SpeechClip.calleeInterrupt.text, SpeechClip.calleeSafe.text])
}
