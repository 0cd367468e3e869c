import Foundation

extension SQLStore: StreamTokenStore {
    public func claimStreamToken(callID: String, expiresAt: Int, now: Int) async throws(StoreError) -> Bool {
        // Forgotten once expired: the token is refused as expired from then on anyway.
        _ = try await run("DELETE FROM used_stream_tokens WHERE expires_at < $1", [.integer(now)])
        let inserted = try await run("""
            INSERT INTO used_stream_tokens (call_id, expires_at) VALUES ($1, $2) ON CONFLICT (call_id) DO NOTHING RETURNING call_id
            """, [.text(callID), .integer(expiresAt)])
        return !inserted.isEmpty
    }
}
