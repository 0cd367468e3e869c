/// The two tools of a safety-confirmation call (安否確認).
public enum SafetyConfirmationTools {
    /// The assistant says goodbye; the gateway hangs up once the last audio has played.
    public static let endCall = RealtimeTool(
        name: "end_call",
        description: "Call this after saying goodbye, when the conversation is finished. 会話が終わり、お別れの挨拶をした後に呼び出してください。",
        parametersJSON: #"{"type":"object","properties":{"reason":{"type":"string","description":"Why the call ends"}},"required":[]}"#)

    /// The structured result of the call.
    public static let recordSafetyStatus = RealtimeTool(
        name: "record_safety_status",
        description: "Record the callee's safety status as soon as it is known. 相手の安否が分かったら記録してください。",
        parametersJSON: #"{"type":"object","properties":{"status":{"type":"string","enum":["safe","injured","needs_help","unreachable","unknown"]},"details":{"type":"string","description":"Free-text details in Japanese"},"location":{"type":"string","description":"Where the callee is"}},"required":["status"]}"#)

    /// Both tools.
    public static let all = [endCall, recordSafetyStatus]
}
