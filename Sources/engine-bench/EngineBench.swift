import PlanningEngine

#if canImport(Glibc)
import Glibc
#endif

/// Measures what SuggestPDEMappings costs on the built-in engine: CPU time to rank one attribute over a
/// catalog of 1,000 PDEs (the sample catalog's ~300 columns, repeated under other table names to reach
/// 1,000). A benchmark, run by hand: `swift run -c release engine-bench`.
@main
struct EngineBench {
    static func main() {
        let engine = BuiltInEngine()
        var pdes: [PDEDescriptor] = []
        var copy = 0
        while pdes.count < 1000 {
            for pde in SampleData.pdeCatalog where pdes.count < 1000 {
                pdes.append(
                    PDEDescriptor(
                        id: "\(pde.id)-\(copy)",
                        system: pde.system,
                        table: copy == 0 ? pde.table : "\(pde.table)_\(copy)",
                        column: pde.column,
                        dataType: pde.dataType,
                        description: pde.description,
                        sampleValues: pde.sampleValues
                    )
                )
            }
            copy += 1
        }
        let built = cpuSeconds()
        let catalog = engine.makeCatalog(pdes)
        let buildTime = cpuSeconds() - built

        let queries = [
            "Outstanding Balance", "Interest Rate", "Maturity Date", "Obligor Name", "Origination Date",
            "Committed Exposure", "Probability of Default", "Loss Given Default", "Collateral Value",
            "Country of Domicile", "Tax Identification Number", "Payment Frequency",
        ].map { AttributeQuery(name: $0) }
        for query in queries {  // warm-up
            _ = engine.rankMappings(for: query, among: catalog, topK: 5)
        }
        let rounds = 200
        let start = cpuSeconds()
        var checksum = 0
        for _ in 0..<rounds {
            for query in queries {
                checksum &+= engine.rankMappings(for: query, among: catalog, topK: 5).count
            }
        }
        let perCall = (cpuSeconds() - start) / Double(rounds * queries.count)
        print("catalog: \(catalog.count) PDEs, built in \(format(buildTime * 1000)) ms of CPU")
        print("rank one attribute, top 5: \(format(perCall * 1_000_000)) µs of CPU (\(rounds * queries.count) calls, checksum \(checksum))")
    }

    static func cpuSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    static func format(_ value: Double) -> String {
        String(Double(Int(value * 10)) / 10)
    }
}
