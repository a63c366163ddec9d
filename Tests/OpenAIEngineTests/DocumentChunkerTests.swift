import Testing

@testable import OpenAIEngine

struct DocumentChunkerTests {
    @Test func testShortDocumentIsOneChunk() {
        let chunks = DocumentChunker(budget: 1_000).chunks("# Part I\n\nSome text.\n\nMore text.")
        #expect(
            chunks == [
                DocumentChunk(text: "# Part I\n\nSome text.\n\nMore text.", section: "Part I", continuesSection: false)
            ])
    }

    @Test func testChunksStayWithinBudgetAndCarryTheirSection() {
        let paragraph = String(repeating: "word ", count: 30)  // 150 characters
        var text = ""
        for section in 1...4 {
            text += "## Section \(section)\n\n"
            for _ in 0..<3 { text += paragraph + "\n\n" }
        }
        let chunks = DocumentChunker(budget: 400).chunks(text)
        #expect(chunks.allSatisfy { $0.text.count <= 400 })
        #expect(chunks.count == 6)
        // Every chunk's text starts either with its section heading or continues it.
        for chunk in chunks {
            #expect(chunk.section != nil)
            #expect(chunk.text.hasPrefix("## ") != chunk.continuesSection)
        }
        // Nothing is lost: all words are kept.
        let words = chunks.flatMap { $0.text.split(whereSeparator: \.isWhitespace) }
        #expect(words.count == text.split(whereSeparator: \.isWhitespace).count)
    }

    @Test func testLongLinesAreCut() {
        let line = String(repeating: "x", count: 1_050)
        let chunks = DocumentChunker(budget: 500).chunks(line)
        #expect(chunks.map(\.text.count) == [500, 500, 50])
        #expect(chunks.allSatisfy { $0.section == nil && !$0.continuesSection })
    }

    @Test func testSectionsStartNewChunksWhenHalfFull() {
        let text = "# A\n\n" + String(repeating: "a", count: 300) + "\n\n# B\n\nshort"
        let chunks = DocumentChunker(budget: 500).chunks(text)
        #expect(chunks.map(\.section) == ["A", "B"])
    }

    @Test(arguments: [
        ("# Heading", "Heading"), ("### **Bold**", "Bold"), ("Section B: Dates", "Section B: Dates"),
        ("Schedule H.1 Corporate Loans", "Schedule H.1 Corporate Loans"), ("Some sentence.", nil),
        ("Part of the loan is paid.", nil),
    ])
    func testHeadings(line: String, heading: String?) {
        #expect(DocumentChunker.heading(Substring(line)) == heading)
    }
}
