extension TwilioAPISimulator {
    /// The order status callbacks are sent in (`SequenceNumber` always gives the true order).
    public enum CallbackOrder: Sendable, Equatable {
        /// Each event as it happens.
        case inOrder
        /// All of a call's events once it ends, in a seeded permutation that is never the original
        /// order (when there are two or more), to exercise out-of-order handling.
        case shuffled(seed: UInt64)
    }

    /// Settings of a simulated Twilio account and how its calls behave. Built once, before `start()`.
    public struct Configuration: Sendable {
        /// The address to listen on; loopback by default.
        public var host = "127.0.0.1"
        /// The port; 0 picks a free one at start.
        public var port = 0
        /// The account's SID (`AC…`); requests must use it in the path and as the Basic-auth user.
        public var accountSID = "ACsimulated00000000000000000000000"
        /// The Basic-auth password.
        public var authToken = "simulated-auth-token"
        /// Verified outgoing caller ids (E.164).
        public var verifiedCallerIDs: Set<String> = []
        /// The account's own phone numbers (E.164).
        public var accountNumbers: Set<String> = ["+15005550006"]
        /// Whether to send status callbacks at all.
        public var sendsStatusCallbacks = true
        /// The order they are sent in.
        public var callbackOrder = CallbackOrder.inOrder
        /// Time before every API answer (beyond any injected fault).
        public var responseDelay: Duration = .zero
        /// Time from `ringing` to answer.
        public var ringDuration: Duration = .milliseconds(20)
        /// How long an answered call without a dialer lasts before the callee hangs up;
        /// nil keeps it until it is hung up through the API. A call with a dialer lasts until the dialer returns.
        public var callDuration: Duration? = .milliseconds(500)
        /// Deadline of one status-callback request.
        public var callbackTimeout: Duration = .seconds(5)
        /// Most calls live at once; further creates get 429 / 20429.
        public var maxLiveCalls = 1000
        /// Calls to these numbers are not answered: each call to a number takes the next outcome of its
        /// list (`busy`, `no-answer`, `failed`) after ringing; once the list is used up, calls are answered.
        public var unanswered: [String: [SimulatedCall.Status]] = [:]

        /// The defaults: a fake account with `+15005550006` as its number.
        public init() {}
    }
}
