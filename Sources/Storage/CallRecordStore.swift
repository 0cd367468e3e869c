import Foundation

/// Where call records live: ``SQLStore`` on SQLite under `DATA_DIR` by default, or on PostgreSQL
/// (`DATABASE_URL`) so that several instances share them. Every method is safe to call from any
/// task; failures throw ``StoreError`` with a message that says what to check.
public protocol CallRecordStore: Sendable {
    /// Opens the store and applies any migration it lacks (idempotent; the gateway calls it at start-up).
    func prepare() async throws(StoreError)

    /// An outbound call Twilio accepted, or an inbound call's stream that began: creates the record,
    /// or fills in what an existing one lacks.
    func callStarted(_ call: StoredCall) async throws(StoreError)

    /// A Twilio status callback; kept once per (CallSid, sequence), whatever order they arrive in.
    /// `callID` (from the callback URL) links a record whose CallSid was never noted (the process
    /// stopped between Twilio's answer and the write).
    func statusCallback(callSID: String, callID: String?, event: StoredCall.StatusEvent) async throws(StoreError)

    /// The end of a call's media stream: why it ended, the safety status and the transcript.
    func callEnded(id: String, endedAt: Date, endReason: String, safety: StoredCall.Safety?, transcript: [StoredCall.Line]) async throws(StoreError)

    /// One call, with its status events in sequence order.
    func call(id: String) async throws(StoreError) -> StoredCall?

    /// Calls matching `query`, newest first.
    func calls(_ query: CallQuery) async throws(StoreError) -> [StoredCall]

    /// Closes the store.
    func close() async
}
