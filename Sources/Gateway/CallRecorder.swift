import Foundation
import Logging
import Storage
import Twilio

/// Files what happens to each call in the ``CallRecordStore``: placement, Twilio's status callbacks,
/// the media stream's start and end. A store failure is logged (and counted) but never stops a call:
/// the call is already happening, and its result still goes to the logs and the webhook.
public struct CallRecorder: Sendable {
    /// The store the records (and campaigns) go to.
    public let store: any GatewayStore
    let audioMode: String
    let metrics: GatewayMetrics
    let logger: Logger

    /// A recorder writing to `store`; `audioMode` is the gateway's model-side format.
    public init(store: any GatewayStore, audioMode: String, metrics: GatewayMetrics, logger: Logger) {
        self.store = store
        self.audioMode = audioMode
        self.metrics = metrics
        self.logger = logger
    }

    /// An outbound call is about to be requested from Twilio.
    func placing(callID: String, request: OutboundCallRequest) async {
        await attempt("placing", callID: callID) { () throws(StoreError) in
            try await store.callStarted(StoredCall(id: callID, callSID: nil, direction: "outbound", toNumber: request.toNumber.rawValue,
                                                   userID: request.userID, message: request.message, audioMode: audioMode, createdAt: Date()))
        }
    }

    /// Twilio did not take the call (refused, unreachable, timed out).
    func notPlaced(callID: String, error: OutboundCallError) async {
        let reason: String
        switch error {
        case .twilioTimeout: reason = "twilio_timeout"
        case .twilioRefused(let e): reason = "twilio_refused" + (e.code.map { ":\($0)" } ?? "")
        case .twilioUnavailable: reason = "twilio_unavailable"
        case .notPermitted: reason = "not_permitted"
        default: reason = "not_placed"
        }
        await attempt("not placed", callID: callID) { () throws(StoreError) in
            try await store.callEnded(id: callID, endedAt: Date(), endReason: reason, safety: nil, transcript: [])
        }
    }

    /// Twilio accepted an outbound call.
    func placed(_ call: PlacedCall, request: OutboundCallRequest) async {
        await attempt("placed", callID: call.callID) { () throws(StoreError) in
            try await store.callStarted(StoredCall(id: call.callID, callSID: call.callSID, direction: "outbound", toNumber: call.toNumber.rawValue,
                                                   userID: request.userID, message: request.message, audioMode: audioMode, createdAt: Date()))
        }
    }

    /// A status callback from Twilio (`SequenceNumber` missing: ordered by arrival, after any numbered one);
    /// `callID` is the `call_id` of the callback URL.
    func status(form: [String: String], callID: String?) async {
        guard let sid = form["CallSid"], let status = form["CallStatus"] else { return }
        let now = Date()
        let sequence = form["SequenceNumber"].flatMap { Int($0) } ?? Int(now.timeIntervalSince1970 * 1000)
        await attempt("status \(status)", callID: nil) { () throws(StoreError) in
            try await store.statusCallback(callSID: sid, callID: callID, event: .init(sequence: sequence, status: status, timestamp: form["Timestamp"], receivedAt: now))
            // The end of a campaign's call: its target is retried or finished.
            if ["completed", "busy", "no-answer", "failed", "canceled"].contains(status) {
                try await store.callFinished(callSID: sid, status: status, now: now)
            }
        }
    }

    /// A media stream began: an inbound call gets its record here (an outbound one has it already).
    func streamStarted(_ claims: StreamToken.Claims, callSID: String) async {
        await attempt("stream started", callID: claims.callID) { () throws(StoreError) in
            try await store.callStarted(StoredCall(id: claims.callID, callSID: callSID, direction: "inbound", toNumber: nil, userID: claims.userID,
                                                   message: claims.message, audioMode: audioMode, createdAt: Date()))
        }
    }

    /// The call's stream ended: its outcome, safety status and transcript.
    func ended(_ report: CallReport) async {
        let safety = report.safetyStatus.map { StoredCall.Safety(status: $0.status.rawValue, details: $0.details, location: $0.location) }
        if let path = report.recordingPath {
            await attempt("recording", callID: report.callID) { () throws(StoreError) in
                try await store.callStarted(StoredCall(id: report.callID, callSID: report.callSID, direction: "inbound", toNumber: nil, userID: report.userID,
                                                       message: report.message, audioMode: audioMode, createdAt: report.startedAt, recordingPath: path))
            }
        }
        let lines = report.transcript.map { StoredCall.Line(speaker: $0.speaker.rawValue, text: $0.text, atMilliseconds: $0.atMilliseconds, cutAtMilliseconds: $0.cutAtMilliseconds) }
        await attempt("ended", callID: report.callID) { () throws(StoreError) in
            try await store.callEnded(id: report.callID, endedAt: report.endedAt ?? Date(), endReason: report.endReason?.code ?? "unknown",
                                      safety: safety, transcript: lines)
        }
    }

    private func attempt(_ what: String, callID: String?, _ write: () async throws(StoreError) -> Void) async {
        do {
            try await write()
        } catch {
            metrics.storeError()
            logger.error("call record not stored (\(what)): \(error)", metadata: callID.map { ["call_id": "\($0)"] } ?? [:])
        }
    }
}
