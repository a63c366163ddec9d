/// Splits a document into chunks of at most a character budget, preferring to cut at section
/// headings, then between paragraphs, then between lines; only a single line over the budget is
/// cut mid-line.
struct DocumentChunker: Sendable {
    var budget: Int

    /// One paragraph (or heading) with the section it belongs to.
    private struct Piece {
        var text: String
        var section: String?
        var startsSection: Bool
    }

    func chunks(_ text: String) -> [DocumentChunk] {
        var chunks: [DocumentChunk] = []
        var current: [Piece] = []
        var size = 0
        func flush() {
            guard let first = current.first else { return }
            chunks.append(
                DocumentChunk(
                    text: current.map(\.text).joined(separator: "\n\n"),
                    section: first.section,
                    continuesSection: !first.startsSection && first.section != nil
                ))
            current = []
            size = 0
        }
        for piece in pieces(text).flatMap({ split($0) }) {
            let added = piece.text.count + (current.isEmpty ? 0 : 2)
            // A new section starts a new chunk once the current one is half full, so sections stay whole.
            if !current.isEmpty, size + added > budget || (piece.startsSection && size >= budget / 2) {
                flush()
            }
            size += piece.text.count + (current.isEmpty ? 0 : 2)
            current.append(piece)
        }
        flush()
        return chunks
    }

    /// Paragraphs and headings, in order, each tagged with its section.
    private func pieces(_ text: String) -> [Piece] {
        var pieces: [Piece] = []
        var section: String?
        var lines: [Substring] = []
        var startsSection = false
        func flush() {
            if !lines.isEmpty {
                pieces.append(
                    Piece(text: lines.joined(separator: "\n"), section: section, startsSection: startsSection))
            }
            lines = []
            startsSection = false
        }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingWhitespace()
            if trimmed.isEmpty {
                flush()
            } else if let heading = Self.heading(trimmed) {
                flush()
                section = heading
                startsSection = true
                lines.append(line)
            } else {
                lines.append(line)
            }
        }
        flush()
        return pieces
    }

    /// `piece` unchanged when within the budget, else cut between lines, and lines at the budget.
    private func split(_ piece: Piece) -> [Piece] {
        guard piece.text.count > budget else { return [piece] }
        var result: [Piece] = []
        var current = ""
        func flush() {
            if !current.isEmpty {
                result.append(Piece(text: current, section: piece.section, startsSection: false))
            }
            current = ""
        }
        for line in piece.text.split(separator: "\n") {
            var rest = Substring(line)
            while rest.count > budget {
                flush()
                result.append(Piece(text: String(rest.prefix(budget)), section: piece.section, startsSection: false))
                rest = rest.dropFirst(budget)
            }
            if !current.isEmpty, current.count + 1 + rest.count > budget { flush() }
            current += current.isEmpty ? String(rest) : "\n" + String(rest)
        }
        flush()
        if piece.startsSection, !result.isEmpty { result[0].startsSection = true }
        return result
    }

    /// A Markdown heading, or a short "Section B: ..." / "Part II ..." / "Schedule H.1" line
    /// (the same headings the built-in engine's parser recognises).
    static func heading(_ line: Substring) -> String? {
        if line.hasPrefix("#") {
            let text = line.drop { $0 == "#" }.trimmingWhitespace()
            return text.isEmpty ? nil : String(text).replacingBold()
        }
        let plain = String(line).replacingBold()
        guard plain.count <= 90, !plain.hasSuffix("."), let first = plain.first, "SsPp".contains(first) else {
            return nil
        }
        let pattern = #/(?i:section|part|schedule)\s+[A-Z0-9][A-Za-z0-9.\-]*(\s*[:.\-—–]\s*.*|\s+.*)?/#
        return plain.wholeMatch(of: pattern) != nil ? plain : nil
    }
}

extension StringProtocol {
    fileprivate func trimmingWhitespace() -> Substring {
        var slice = self[...]
        while let first = slice.first, first.isWhitespace { slice = slice.dropFirst() }
        while let last = slice.last, last.isWhitespace { slice = slice.dropLast() }
        return Substring(slice)
    }
}

extension String {
    /// Without Markdown bold markers.
    fileprivate func replacingBold() -> String {
        replacing("**", with: "").replacing("__", with: "")
    }
}
