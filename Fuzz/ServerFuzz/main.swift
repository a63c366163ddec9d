// planning-fuzz: the libFuzzer targets that need the whole package (ServerReceiveFuzzer, PlanningRequestFuzzer).
//
// Built two ways from the same sources (Fuzz/README.md):
//   - for fuzzing, with `-sanitize=fuzzer,address -parse-as-library -D FUZZING` (scripts/fuzz): libFuzzer's driver
//     calls `LLVMFuzzerTestOneInput`, and the target comes from $PLANNING_FUZZ_TARGET ($PLANNING_FUZZ_WRITE_SEEDS=DIR
//     writes the seeds instead);
//   - in the plain debug build, as a replayer (scripts/fuzz-replay, so `make test` needs no sanitizer build):
//       planning-fuzz TARGET FILE_OR_DIRECTORY...    replays every input once; a broken property stops it
//       planning-fuzz TARGET --write-seeds DIRECTORY  writes the seed corpus

import Foundation

enum FuzzTarget: String, CaseIterable {
    case serverReceive = "ServerReceiveFuzzer"
    case planningRequest = "PlanningRequestFuzzer"

    func run(_ data: [UInt8]) {
        switch self {
        case .serverReceive: ServerReceiveFuzzer.run(data)
        case .planningRequest: PlanningRequestFuzzer.run(data)
        }
    }

    func seeds() -> [(String, [UInt8])] {
        switch self {
        case .serverReceive: ServerReceiveFuzzer.seeds()
        case .planningRequest: PlanningRequestFuzzer.seeds()
        }
    }
}

/// Writes `target`'s seed corpus, one file per seed.
func writeSeeds(of target: FuzzTarget, to path: String) {
    let directory = URL(fileURLWithPath: path, isDirectory: true)
    try! FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let seeds = target.seeds()
    for (name, bytes) in seeds {
        try! Data(bytes).write(to: directory.appendingPathComponent("seed-\(name)"))
    }
    print("\(target.rawValue): \(seeds.count) seeds written to \(directory.path)")
}

#if FUZZING
private let selectedTarget: FuzzTarget = {
    let name = ProcessInfo.processInfo.environment["PLANNING_FUZZ_TARGET"] ?? ""
    guard let target = FuzzTarget(rawValue: name) else {
        fatalError("set PLANNING_FUZZ_TARGET to one of \(FuzzTarget.allCases.map(\.rawValue))")
    }
    return target
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    selectedTarget.run(count == 0 ? [] : Array(UnsafeRawBufferPointer(start: start, count: count)))
    return 0
}

/// libFuzzer's entry for programs that have their own `main` (`int LLVMFuzzerRunDriver(int *argc, char ***argv,
/// int (*cb)(const uint8_t *, size_t))`); its pointer and int arguments pass the same way in Swift's convention.
@_silgen_name("LLVMFuzzerRunDriver")
private func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafeRawPointer?, Int) -> CInt
) -> CInt

/// SwiftPM links a debug executable with `main` defined as `<module>_main` (so that tests can link the module);
/// without top-level code nothing defines it, so it is defined here and hands over to libFuzzer's driver.
@_cdecl("planning_fuzz_main")
public func planningFuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    if let directory = ProcessInfo.processInfo.environment["PLANNING_FUZZ_WRITE_SEEDS"] {
        writeSeeds(of: selectedTarget, to: directory)
        return 0
    }
    var count = argc
    var vector: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
    return runFuzzerDriver(&count, &vector) { start, size in
        fuzzTestOneInput(start, size)
    }
}
#else
private func replayMain() -> Int32 {
    let arguments = Array(CommandLine.arguments.dropFirst())
    guard let first = arguments.first, let target = FuzzTarget(rawValue: first), arguments.count >= 2 else {
        FileHandle.standardError.write(
            Data("usage: planning-fuzz TARGET (FILE|DIRECTORY)... | TARGET --write-seeds DIRECTORY\n".utf8)
        )
        return 64
    }
    let files = FileManager.default
    if arguments[1] == "--write-seeds", arguments.count == 3 {
        writeSeeds(of: target, to: arguments[2])
        return 0
    }
    var inputs: [String] = []
    for path in arguments.dropFirst() {
        var isDirectory: ObjCBool = false
        guard files.fileExists(atPath: path, isDirectory: &isDirectory) else {
            FileHandle.standardError.write(Data("no such input: \(path)\n".utf8))
            return 66
        }
        if isDirectory.boolValue {
            let names = (try? files.contentsOfDirectory(atPath: path)) ?? []
            inputs += names.sorted().map { path + "/" + $0 }
        } else {
            inputs.append(path)
        }
    }
    for input in inputs {
        // Printed first, so that the last line names the input when a property stops the process.
        print("Running: \(input)")
        target.run(Array(files.contents(atPath: input) ?? Data()))
    }
    print("\(target.rawValue): \(inputs.count) inputs replayed, ok")
    return 0
}

// A declaration, not a statement: the inactive branch of `#if FUZZING` is still parsed, and with `-parse-as-library`
// a top-level expression is an error even there. In main.swift, globals are initialized in order, so this runs.
private let replay: Void = { exit(replayMain()) }()
#endif
