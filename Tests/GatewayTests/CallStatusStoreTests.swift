import Gateway
import Testing

@Suite struct CallStatusStoreTests {
    @Test func keepsSequenceOrderWhateverTheArrivalOrder() async {
        let store = CallStatusStore()
        for (seq, status) in [(2, "in-progress"), (0, "initiated"), (3, "completed"), (1, "ringing"), (2, "in-progress")] {
            #expect(await store.record(form: ["CallSid": "CA1", "CallStatus": status, "SequenceNumber": "\(seq)"]))
        }
        #expect(await store.events(callSID: "CA1").map(\.callStatus) == ["initiated", "ringing", "in-progress", "completed"])
        #expect(await store.status(callSID: "CA1") == "completed")
        #expect(await !store.record(form: ["CallStatus": "ringing"]))
        #expect(await store.status(callSID: "CA2") == nil)
    }

    @Test func isBounded() async {
        let store = CallStatusStore(capacity: 2)
        for sid in ["CA1", "CA2", "CA3"] { await store.record(form: ["CallSid": sid, "CallStatus": "queued"]) }
        #expect(await store.status(callSID: "CA1") == nil)
        #expect(await store.status(callSID: "CA3") == "queued")
    }
}
