import ArgumentParser
import Logging
import Realtime
import Simulators
import UnixSignals

/// `anpi-call simulate-realtime`: the simulated OpenAI Realtime API on its own.
struct SimulateRealtimeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate-realtime",
        abstract: "Run the simulated OpenAI Realtime API (GA; a test tool) until SIGINT or SIGTERM.",
        discussion: """
            It speaks the GA protocol on ws://HOST:PORT/v1/realtime: checks Authorization: Bearer, refuses the beta \
            interface and beta-shaped session.update, detects speech by energy in the negotiated format, and answers \
            with the demo's scripted 安否確認 turns (audio streamed faster than real time, record_safety_status, end_call). \
            Point the gateway at it with the line it prints. Each session is printed when it ends.
            """)

    @Option(help: "Address to listen on (loopback only).")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on (0 picks a free one).")
    var port = 8082

    @Option(name: .customLong("disconnect-after-ms"), help: "Drop every session this long after it opens (a fault to test with).")
    var disconnectAfter: Int?

    @Option(name: .customLong("expire-after-ms"), help: "Expire every session (error session_expired) this long after it opens.")
    var expireAfter: Int?

    func validate() throws {
        guard SimulateTwilioCommand.isLoopback(host) else { throw ValidationError("--host \(host) is not a loopback address; this is a test tool") }
    }

    func run() async throws {
        var config = RealtimeSimulator.Configuration(script: .safetyConfirmation)
        config.host = host
        config.port = port
        if let disconnectAfter { config.faults.append(.disconnect(afterMilliseconds: disconnectAfter)) }
        if let expireAfter { config.faults.append(.sessionExpired(afterMilliseconds: expireAfter)) }
        let simulator = RealtimeSimulator(configuration: config)
        let url: String
        do {
            url = try await simulator.start()
        } catch {
            StandardError.error("\(error)")
            throw ExitCode(1)
        }
        SimulateTwilioCommand.say("simulated Realtime API on \(url); point the gateway at it with:")
        SimulateTwilioCommand.say("OPENAI_REALTIME_URL=\(url)")
        let signals = await UnixSignalsSequence(trapping: .sigint, .sigterm)
        for await _ in signals { break }
        for s in await simulator.sessions() {
            SimulateTwilioCommand.say("session \(s.id): \(s.inputFormat.rawValue), \(s.appendedMilliseconds) ms in, \(s.responses) responses, \(s.truncations.count) truncations, errors \(s.errorsSent)")
        }
        await simulator.stop()
    }
}
