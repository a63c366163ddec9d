import RPCFraming
import Testing

struct GRPCTimeoutTests {
    @Test(arguments: [
        ("1H", Int64(3_600_000_000_000)), ("2M", 120_000_000_000), ("3S", 3_000_000_000), ("4m", 4_000_000),
        ("5u", 5_000), ("6n", 6), ("0n", 0), ("0S", 0), ("00000001m", 1_000_000), ("99999999n", 99_999_999),
        ("2562047H", 2_562_047 * 3_600_000_000_000), ("2562048H", Int64.max), ("99999999H", Int64.max),
        ("99999999M", 99_999_999 * 60_000_000_000), ("12345678u", 12_345_678_000),
    ] as [(String, Int64)])
    func parsesEveryUnit(_ value: String, _ nanoseconds: Int64) throws {
        let timeout = try #require(GRPCTimeout(headerValue: value))
        #expect(timeout.nanoseconds == nanoseconds)
    }

    @Test(arguments: [
        "", "S", "1", "123456789S", "000000001S", "1s", "1h", "1x", "1ms", "-1S", "+1S", " 1S", "1S ", "1 S",
        "1.5S", "0x1S", "١S", "1SS",
    ])
    func rejectsMalformedValues(_ value: String) {
        #expect(GRPCTimeout(headerValue: value) == nil)
    }

    @Test func parsesSubstrings() {
        let value = "x10S"
        #expect(GRPCTimeout(headerValue: value.dropFirst())?.nanoseconds == 10_000_000_000)
    }

    @Test(arguments: [
        (Int64(0), "0n"), (-5, "0n"), (1, "1n"), (99_999_999, "99999999n"), (100_000_000, "100000u"),
        (100_000_001, "100001u"), (1_000_000_000, "1000000u"), (99_999_999_000, "99999999u"),
        (99_999_999_001, "100000m"),
        (30 * 1_000_000_000, "30000000u"), (3_600_000_000_000, "3600000m"),
        (Int64(99_999_999) * 1_000_000_000 + 1, "1666667M"), (Int64.max, "2562048H"),
    ] as [(Int64, String)])
    func formatsTheFinestUnitThatFitsRoundingUp(_ nanoseconds: Int64, _ value: String) {
        #expect(GRPCTimeout(nanoseconds: nanoseconds).headerValue == value)
    }

    @Test func formattingNeverShortensTheTimeout() {
        var random = SplitMix64(seed: 7)
        for _ in 0..<2000 {
            let nanoseconds = Int64.random(in: 0...Int64.max >> Int.random(in: 0...62, using: &random), using: &random)
            let formatted = GRPCTimeout(nanoseconds: nanoseconds).headerValue
            #expect(formatted.utf8.count <= 9)
            let parsed = try! #require(GRPCTimeout(headerValue: formatted))
            #expect(parsed.nanoseconds >= nanoseconds)
            // Rounding up costs less than one unit of the chosen scale.
            #expect(parsed.nanoseconds - nanoseconds < unitNanoseconds(formatted))
        }
    }

    private func unitNanoseconds(_ value: String) -> Int64 {
        switch value.last {
        case "H": 3_600_000_000_000
        case "M": 60_000_000_000
        case "S": 1_000_000_000
        case "m": 1_000_000
        case "u": 1_000
        default: 1
        }
    }
}
