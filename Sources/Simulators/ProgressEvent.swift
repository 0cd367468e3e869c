/// The progress events of an outbound call, named as in `StatusCallbackEvent`.
enum ProgressEvent: String, Sendable {
    case initiated, ringing, answered, completed
}
