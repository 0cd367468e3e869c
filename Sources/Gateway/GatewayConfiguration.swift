import Foundation
import Logging
import Storage
import Twilio

/// The gateway's settings, read once at start-up from the environment and a
/// `.env` file in the working directory (the real environment wins).
///
/// Secrets (`TWILIO_AUTH_TOKEN`, `OPENAI_API_KEY`, `STREAM_TOKEN_SECRET`) are
/// kept out of `description` and of every error message.
public struct GatewayConfiguration: Sendable, CustomStringConvertible {
    /// The model-side audio format (design §2).
    public enum AudioFormat: String, Sendable, CaseIterable {
        case pcmu, pcma, pcm24k
    }

    public var twilioAccountSID: String
    public var twilioAuthToken: String
    /// The caller id calls are placed from (`PHONE_NUMBER_FROM`).
    public var phoneNumberFrom: String
    /// `https://…` base that Twilio reaches this gateway at (`PUBLIC_BASE_URL`, else `https://DOMAIN`).
    public var publicBaseURL: String
    public var openAIAPIKey: String
    /// Listening address (`HOST`, default 0.0.0.0 as the original app) and port (`PORT`, default 8080).
    public var host: String
    public var port: Int
    public var openAIRealtimeURL: String
    public var openAIRealtimeModel: String
    public var twilioAPIBaseURL: String
    public var audioFormat: AudioFormat
    /// Secret for stream tokens; defaults to one derived from the auth token, which every instance shares.
    public var streamTokenSecret: String
    /// How long a stream token stays valid (`STREAM_TOKEN_TTL_SECONDS`, default 900).
    public var streamTokenTTLSeconds: Int
    /// Deadline of one Twilio REST attempt (`TWILIO_TIMEOUT_SECONDS`, default 10).
    public var twilioTimeoutSeconds: Double
    /// Ring time asked of Twilio (`CALL_TIMEOUT_SECONDS`, default 60).
    public var callTimeoutSeconds: Int
    /// `MACHINE_DETECTION`: off (default), `Enable` or `DetectMessageEnd`, always asynchronous.
    public var machineDetection: CallRequest.MachineDetection?
    /// How long permission look-ups are cached (`PERMISSION_CACHE_SECONDS`, default 300).
    public var permissionCacheSeconds: Double
    /// The assistant's instructions: the file at `INSTRUCTIONS_FILE`, else ``SafetyScript/instructions``.
    public var instructions: String
    /// How long to wait for the callee's 「もしもし」 before the assistant greets first (`GREETING_WAIT_MS`, default 1500).
    public var greetingWaitMilliseconds: Int
    /// Where each call's result is POSTed as JSON (`RESULT_WEBHOOK_URL`, off when unset).
    public var resultWebhookURL: String?
    /// Hard cap on a call, below the model's 60-minute session limit (`MAX_CALL_SECONDS`, default 3000).
    public var maxCallSeconds: Int
    /// Deadline of the Realtime connection (`REALTIME_CONNECT_TIMEOUT_SECONDS`, default 10).
    public var realtimeConnectTimeoutSeconds: Int
    /// Added to the played milliseconds known from marks when truncating on barge-in (`BARGE_IN_MARGIN_MS`, default 20:
    /// the frame playing when the callee spoke has no mark back yet).
    public var bargeInMarginMilliseconds: Int
    /// What the callee hears when a failure ends the call (`APOLOGY_MESSAGE`).
    public var apologyMessage: String

    /// Bearer token `POST /outbound-call` and `GET /metrics` require (`API_AUTH_TOKEN`; open when unset).
    public var apiAuthToken: String?
    /// Who may be called and how fast (`ALLOWED_DESTINATIONS`, `MAX_CONCURRENT_CALLS`, …).
    public var limits: CallLimits
    /// Where the call records are kept (`DATA_DIR`, default `data` in the working directory): `anpi-call.sqlite`.
    public var dataDirectory: String
    /// The PostgreSQL store every instance shares (`DATABASE_URL`); when unset, SQLite under ``dataDirectory``.
    public var database: PostgresConnectionSettings?
    /// Where each call's recording is written, `<call id>.opus` (`RECORDINGS_DIR`; off when unset).
    public var recordingsDirectory: String?
    /// How long a campaign's claimed call may take to be placed before another dialler takes it
    /// (`CAMPAIGN_CLAIM_LEASE_SECONDS`, default 120).
    public var campaignClaimLeaseSeconds: Int
    /// The lowest level logged (`LOG_LEVEL`, default info).
    public var logLevel: Logger.Level
    /// How long a new connection may take to send its first request's headers (`REQUEST_HEADER_TIMEOUT_SECONDS`, default 10).
    public var requestHeaderTimeoutSeconds: Int
    /// On SIGTERM, how long active calls may go on before they are ended (`DRAIN_TIMEOUT_SECONDS`, default 30).
    public var drainTimeoutSeconds: Int
    /// What the callee hears when a shutdown ends the call (`SHUTDOWN_MESSAGE`).
    public var shutdownMessage: String

    /// The `wss://` (or `ws://` for an `http://` base) URL of `/media-stream`, without a query string.
    public var mediaStreamURL: String {
        var base = publicBaseURL
        while base.hasSuffix("/") { base.removeLast() }
        if base.hasPrefix("https://") { return "wss://" + base.dropFirst(8) + "/media-stream" }
        if base.hasPrefix("http://") { return "ws://" + base.dropFirst(7) + "/media-stream" }
        return "wss://" + base + "/media-stream"
    }

    /// Where Twilio posts call progress.
    public var statusCallbackURL: String { publicURL(path: "/call-status") }

    /// The public `https://` URL of one of the gateway's paths, as Twilio requests (and signs) it.
    public func publicURL(path: String) -> String {
        var base = publicBaseURL
        while base.hasSuffix("/") { base.removeLast() }
        return base + path
    }

    /// Reads the configuration from `environment` over the variables of the `.env` file at `dotEnvPath` (if it exists).
    public static func load(environment: [String: String] = ProcessInfo.processInfo.environment, dotEnvPath: String? = ".env") throws(ConfigurationError) -> GatewayConfiguration {
        var merged: [String: String] = [:]
        if let dotEnvPath, let text = try? String(contentsOfFile: dotEnvPath, encoding: .utf8) {
            for (k, v) in DotEnv.parse(text) { merged[k] = v }
        }
        for (k, v) in environment { merged[k] = v }
        return try GatewayConfiguration(variables: merged)
    }

    /// Builds the configuration from a complete set of variables.
    public init(variables env: [String: String]) throws(ConfigurationError) {
        let variables = ConfigurationVariables(env: env)
        twilioAccountSID = try variables.required("TWILIO_ACCOUNT_SID")
        twilioAuthToken = try variables.required("TWILIO_AUTH_TOKEN")
        phoneNumberFrom = try variables.required("PHONE_NUMBER_FROM")
        openAIAPIKey = try variables.required("OPENAI_API_KEY")
        if let base = variables.value("PUBLIC_BASE_URL") {
            guard base.hasPrefix("https://") || base.hasPrefix("http://") else {
                throw ConfigurationError("PUBLIC_BASE_URL must start with https:// (or http:// for loopback tests), not '\(base)'")
            }
            publicBaseURL = base
        } else if let domain = variables.value("DOMAIN") {
            // The original app took a bare host name; tolerate a scheme or trailing slash too.
            var d = domain
            for prefix in ["https://", "http://", "wss://"] where d.hasPrefix(prefix) { d = String(d.dropFirst(prefix.count)) }
            while d.hasSuffix("/") { d.removeLast() }
            publicBaseURL = "https://" + d
        } else {
            throw ConfigurationError("DOMAIN is not set (or set PUBLIC_BASE_URL)")
        }
        host = variables.value("HOST") ?? "0.0.0.0"
        port = try variables.integer("PORT", default: 8080, range: 0...65535)
        openAIRealtimeURL = variables.value("OPENAI_REALTIME_URL") ?? "wss://api.openai.com/v1/realtime"
        openAIRealtimeModel = variables.value("OPENAI_REALTIME_MODEL") ?? "gpt-realtime"
        twilioAPIBaseURL = variables.value("TWILIO_API_BASE_URL") ?? "https://api.twilio.com"
        let format = variables.value("REALTIME_AUDIO_FORMAT") ?? "pcmu"
        guard let audioFormat = AudioFormat(rawValue: format) else {
            throw ConfigurationError("REALTIME_AUDIO_FORMAT must be pcmu, pcma or pcm24k, not '\(format)'")
        }
        self.audioFormat = audioFormat
        streamTokenSecret = variables.value("STREAM_TOKEN_SECRET") ?? "derived-from-auth-token:" + twilioAuthToken
        streamTokenTTLSeconds = try variables.integer("STREAM_TOKEN_TTL_SECONDS", default: 900, range: 30...86_400)
        twilioTimeoutSeconds = Double(try variables.integer("TWILIO_TIMEOUT_SECONDS", default: 10, range: 1...120))
        callTimeoutSeconds = try variables.integer("CALL_TIMEOUT_SECONDS", default: 60, range: 5...600)
        permissionCacheSeconds = Double(try variables.integer("PERMISSION_CACHE_SECONDS", default: 300, range: 0...86_400))
        if let path = variables.value("INSTRUCTIONS_FILE") {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw ConfigurationError("INSTRUCTIONS_FILE '\(path)' cannot be read as UTF-8 text")
            }
            guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw ConfigurationError("INSTRUCTIONS_FILE '\(path)' is empty")
            }
            instructions = text
        } else {
            instructions = SafetyScript.instructions
        }
        greetingWaitMilliseconds = try variables.integer("GREETING_WAIT_MS", default: 1500, range: 0...30_000)
        if let url = variables.value("RESULT_WEBHOOK_URL") {
            guard url.hasPrefix("https://") || url.hasPrefix("http://") else {
                throw ConfigurationError("RESULT_WEBHOOK_URL must start with https:// or http://, not '\(url)'")
            }
            resultWebhookURL = url
        } else {
            resultWebhookURL = nil
        }
        maxCallSeconds = try variables.integer("MAX_CALL_SECONDS", default: 3000, range: 10...3540)
        realtimeConnectTimeoutSeconds = try variables.integer("REALTIME_CONNECT_TIMEOUT_SECONDS", default: 10, range: 1...60)
        bargeInMarginMilliseconds = try variables.integer("BARGE_IN_MARGIN_MS", default: 20, range: 0...500)
        apologyMessage = variables.value("APOLOGY_MESSAGE") ?? SafetyScript.apology
        apiAuthToken = variables.value("API_AUTH_TOKEN")
        if let token = apiAuthToken, token.utf8.count < 16 {
            throw ConfigurationError("API_AUTH_TOKEN must be at least 16 characters (use a random value, e.g. `openssl rand -hex 32`)")
        }
        limits = try CallLimits(variables)
        dataDirectory = variables.value("DATA_DIR") ?? "data"
        recordingsDirectory = variables.value("RECORDINGS_DIR")
        campaignClaimLeaseSeconds = try variables.integer("CAMPAIGN_CLAIM_LEASE_SECONDS", default: 120, range: 1...3600)
        do {
            database = try variables.value("DATABASE_URL").map { url throws(StoreError) in try PostgresConnectionSettings(url: url) }
        } catch {
            throw ConfigurationError(error.message)
        }
        let level = variables.value("LOG_LEVEL")?.lowercased() ?? "info"
        guard let logLevel = Logger.Level(rawValue: level) else {
            throw ConfigurationError("LOG_LEVEL must be trace, debug, info, notice, warning, error or critical, not '\(level)'")
        }
        self.logLevel = logLevel
        requestHeaderTimeoutSeconds = try variables.integer("REQUEST_HEADER_TIMEOUT_SECONDS", default: 10, range: 1...300)
        drainTimeoutSeconds = try variables.integer("DRAIN_TIMEOUT_SECONDS", default: 30, range: 0...3600)
        shutdownMessage = variables.value("SHUTDOWN_MESSAGE") ?? SafetyScript.shutdownMessage
        switch variables.value("MACHINE_DETECTION")?.lowercased() {
        case nil, "off", "false", "0": machineDetection = nil
        case "enable", "on", "true": machineDetection = .enable
        case "detectmessageend": machineDetection = .detectMessageEnd
        case let other?: throw ConfigurationError("MACHINE_DETECTION must be off, Enable or DetectMessageEnd, not '\(other)'")
        }
    }

    /// Settings without secrets, for the start-up log.
    public var description: String {
        "listen \(host):\(port), public \(publicBaseURL), stream \(mediaStreamURL), from \(phoneNumberFrom), "
            + "Twilio \(twilioAPIBaseURL) account \(twilioAccountSID.prefix(6))…, model \(openAIRealtimeModel) at \(openAIRealtimeURL), "
            + "audio \(audioFormat.rawValue), greeting wait \(greetingWaitMilliseconds) ms, "
            + "result webhook \(resultWebhookURL == nil ? "off" : "on"), store \(database.map { "\($0)" } ?? "SQLite in \(dataDirectory)"), API auth \(apiAuthToken == nil ? "OFF" : "on"), \(limits)"
    }
}
