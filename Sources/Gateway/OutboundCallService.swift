import Logging
import Twilio

/// Places outbound calls: checks the destination, signs a stream token,
/// builds the TwiML and asks Twilio to dial. `POST /outbound-call` and
/// `anpi-call call` both go through `place(_:)`.
public struct OutboundCallService: Sendable {
    let configuration: GatewayConfiguration
    let twilio: TwilioRESTClient
    let tokens: StreamToken
    let permissions: PermissionCache
    let admission: CallAdmission
    let metrics: GatewayMetrics
    let recorder: CallRecorder
    let logger: Logger
    let now: @Sendable () -> Int

    /// A service using `twilio` for REST calls, under `admission`'s limits; `now` gives seconds since 1970 (for token expiry).
    public init(configuration: GatewayConfiguration, twilio: TwilioRESTClient, admission: CallAdmission, metrics: GatewayMetrics,
                recorder: CallRecorder, logger: Logger, now: @escaping @Sendable () -> Int) {
        self.admission = admission
        self.metrics = metrics
        self.recorder = recorder
        self.configuration = configuration
        self.twilio = twilio
        self.tokens = StreamToken(secret: configuration.streamTokenSecret)
        self.permissions = PermissionCache(lifetime: .seconds(configuration.permissionCacheSeconds))
        self.logger = logger
        self.now = now
    }

    /// Checks the limits and Twilio's permission, then creates the call.
    public func place(_ request: OutboundCallRequest, callID chosen: String? = nil) async throws(OutboundCallError) -> PlacedCall {
        let number = request.toNumber
        let callID = chosen ?? Self.newCallID()
        do {
            try await admission.admitOutbound(callID: callID, to: number)
        } catch {
            let refusal = OutboundCallError(error, allowed: configuration.limits.allowedDestinations)
            metrics.refused(error.metricReason)
            logger.notice("call refused", metadata: ["call_id": "\(callID)", "to": "\(number.masked)", "error": "\(refusal)"])
            throw refusal
        }
        // The record exists before Twilio is asked: a process that stops mid-request loses no call.
        await recorder.placing(callID: callID, request: request)
        do {
            let call = try await placeAdmitted(request, callID: callID)
            await admission.placed(callID: callID, callSID: call.callSID)
            await recorder.placed(call, request: request)
            return call
        } catch {
            await admission.notPlaced(callID: callID)
            await recorder.notPlaced(callID: callID, error: error)
            throw error
        }
    }

    private func placeAdmitted(_ request: OutboundCallRequest, callID: String) async throws(OutboundCallError) -> PlacedCall {
        let number = request.toNumber
        let allowed: Bool
        do {
            allowed = try await permissions.isAllowed(number) { [twilio] in
                if try await twilio.isVerifiedCallerID(number) { return true }
                return try await twilio.isAccountNumber(number)
            }
        } catch {
            metrics.twilioError(error)
            throw Self.map(error)
        }
        guard allowed else {
            logger.notice("destination not permitted", metadata: ["call_id": "\(callID)", "to": "\(number.masked)"])
            throw .notPermitted(number)
        }
        let claims = StreamToken.Claims(callID: callID, expiresAt: now() + configuration.streamTokenTTLSeconds, message: request.message, userID: request.userID)
        let twiml = TwiML.connectStream(url: configuration.mediaStreamURL, parameters: tokens.parameters(for: claims))
        guard twiml.count <= 4000 else { throw .badRequest("message and user_id are too long for Twilio's 4000-character TwiML limit") }
        let create = CallRequest(to: number, from: configuration.phoneNumberFrom, twiml: twiml, statusCallback: configuration.statusCallbackURL + "?call_id=" + callID,
                                 timeoutSeconds: configuration.callTimeoutSeconds, machineDetection: configuration.machineDetection)
        do {
            let call = try await twilio.createCall(create)
            logger.info("call placed", metadata: ["call_id": "\(callID)", "call_sid": "\(call.sid)", "to": "\(number.masked)"])
            return PlacedCall(callID: callID, callSID: call.sid, toNumber: number, twiml: twiml)
        } catch {
            metrics.twilioError(error)
            let mapped = Self.map(error)
            logger.warning("call not placed", metadata: ["call_id": "\(callID)", "to": "\(number.masked)", "error": "\(mapped)"])
            throw mapped
        }
    }

    static func map(_ error: any Error) -> OutboundCallError {
        switch error {
        case let e as TwilioAPIError: .twilioRefused(e)
        case let e as TwilioClientError:
            if case .timeout = e { .twilioTimeout(e.description) } else { .twilioUnavailable(e.description) }
        default: .twilioUnavailable("Twilio request failed: \(error)")
        }
    }

    /// `c_` and 24 random hex digits: unguessable, URL- and XML-safe.
    static func newCallID() -> String {
        var g = SystemRandomNumberGenerator()
        let a = g.next() as UInt64, b = g.next() as UInt32
        return "c_" + hex(a, 16) + hex(UInt64(b), 8)
    }

    private static func hex(_ v: UInt64, _ width: Int) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: max(0, width - s.count)) + s
    }
}
