import Foundation

/// What the gateway asks of the model for one call, sent as a GA `session.update`
/// (`session.type: "realtime"`; the beta shape is switched off). Every turn-detection
/// value is explicit because the server's defaults have changed before.
public struct RealtimeSessionConfiguration: Sendable {
    public var model: String
    public var instructions: String
    public var audioFormat: RealtimeAudioFormat
    public var voice = "marin"
    /// Server VAD settings.
    public var vadThreshold = 0.5
    public var prefixPaddingMilliseconds = 300
    public var silenceDurationMilliseconds = 500
    /// The server cancels its response itself when the callee starts speaking.
    public var interruptResponse = true
    public var createResponse = true
    /// Transcription of the callee.
    public var transcriptionModel = "gpt-4o-transcribe"
    public var transcriptionLanguage = "ja"
    /// `near_field` suits a handset; nil turns noise reduction off.
    public var noiseReduction: String? = "near_field"
    /// Function tools, as JSON-schema objects.
    public var tools: [RealtimeTool] = []

    public init(model: String, instructions: String, audioFormat: RealtimeAudioFormat) {
        self.model = model
        self.instructions = instructions
        self.audioFormat = audioFormat
    }

    /// The `session` object of `session.update`.
    public var sessionObject: [String: Any] {
        var input: [String: Any] = [
            "format": audioFormat.formatObject,
            "transcription": ["model": transcriptionModel, "language": transcriptionLanguage],
            "turn_detection": [
                "type": "server_vad", "threshold": vadThreshold, "prefix_padding_ms": prefixPaddingMilliseconds,
                "silence_duration_ms": silenceDurationMilliseconds, "create_response": createResponse, "interrupt_response": interruptResponse,
            ],
        ]
        input["noise_reduction"] = noiseReduction.map { ["type": $0] as Any } ?? NSNull()
        return [
            "type": "realtime",
            "model": model,
            "instructions": instructions,
            "output_modalities": ["audio"],
            "audio": ["input": input, "output": ["format": audioFormat.formatObject, "voice": voice]],
            "tools": tools.map(\.object),
            "tool_choice": "auto",
        ]
    }
}

/// A function the model may call.
public struct RealtimeTool: Sendable, Equatable {
    public var name: String
    public var description: String
    /// The JSON schema of the arguments, as JSON text.
    public var parametersJSON: String

    public init(name: String, description: String, parametersJSON: String) {
        self.name = name
        self.description = description
        self.parametersJSON = parametersJSON
    }

    var object: [String: Any] {
        let parameters = (try? JSONSerialization.jsonObject(with: Data(parametersJSON.utf8))) ?? [String: Any]()
        return ["type": "function", "name": name, "description": description, "parameters": parameters]
    }
}
