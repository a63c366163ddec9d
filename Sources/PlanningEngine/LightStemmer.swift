/// A deliberately light suffix stripper: enough to conflate plurals and past participles
/// ("balances", "committed"/"commitment", "dated"/"date") without Porter's over-reach
/// (it leaves "-ing" alone so "rating" and "rate" stay apart).
public enum LightStemmer {
    public static func stem(_ word: String) -> String {
        guard word.count > 3, word.allSatisfy({ $0.isLetter }) else { return word }
        var w = word
        if w.hasSuffix("ies"), w.count > 4 {
            w = String(w.dropLast(3)) + "y"
        } else if w.hasSuffix("sses") {
            w = String(w.dropLast(2))
        } else if w.hasSuffix("s"), !w.hasSuffix("ss"), !w.hasSuffix("us"), !w.hasSuffix("is") {
            w = String(w.dropLast())
        }
        if w.hasSuffix("ed"), w.count >= 5 {
            w = String(w.dropLast(2))
            w = undoubled(w)
        } else if w.hasSuffix("ment"), w.count >= 7 {
            w = String(w.dropLast(4))
        }
        if w.hasSuffix("e"), w.count >= 4 {
            w = String(w.dropLast())
        }
        return w
    }

    /// "committ" -> "commit"; keeps ll, ss, zz as Porter does.
    private static func undoubled(_ w: String) -> String {
        let chars = Array(w)
        guard chars.count >= 4, let last = chars.last, chars[chars.count - 2] == last,
            !"aeioulsz".contains(last)
        else { return w }
        return String(chars.dropLast())
    }
}
