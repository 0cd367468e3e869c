import MediaCore
import Testing

@Suite struct MarkNameTests {
    @Test func formatsAndParsesBack() {
        let mark = MarkName(itemID: "item_C0ffee", sentMilliseconds: 1840, generation: 3)
        #expect(mark.description == "item_C0ffee:1840:g3")
        #expect(MarkName(mark.description) == mark)
    }

    @Test func itemIdsMayContainColons() {
        let mark = MarkName(itemID: "done:item_1", sentMilliseconds: 0, generation: 0)
        #expect(MarkName(mark.description) == mark)
    }

    @Test(arguments: ["", "item", "item:12", "item:12:3", "item:x:g3", "item:12:gx", ":12:g3", "item:-1:g3", "item:12:g"])
    func rejectsNamesItDidNotMake(_ text: String) {
        #expect(MarkName(text) == nil)
    }
}
