import Foundation
public import PlanningEngine
import Synchronization

/// The engine's search index over every PDE of the store, rebuilt only when the PDEs change.
///
/// Reading the PDE rows is cheap next to indexing them, so each call reads the rows and compares a fingerprint
/// (count, row ids, update times) with the one the cached index was built from; `invalidate()` lets a writer
/// of PDEs force the rebuild as well.
public final class PDECatalogCache: Sendable {
    private struct Cached {
        var fingerprint: Fingerprint
        var catalog: PDECatalog
    }

    private struct Fingerprint: Equatable {
        var count = 0
        var rowIDSum: Int64 = 0
        var latestUpdate: Date = .distantPast
    }

    private let store: any PlanningStore
    private let engine: any PlanningEngine
    private let cached: Mutex<Cached?> = Mutex(nil)

    /// A cache over the PDEs of `store`, indexed for `engine`.
    public init(store: any PlanningStore, engine: any PlanningEngine) {
        self.store = store
        self.engine = engine
    }

    /// The index over every PDE, as they are now.
    public func catalog() async throws -> PDECatalog {
        let store = store
        let pdes = try await JobExecution.allPages { try await store.listPDEs(system: nil, page: $0) }
        var fingerprint = Fingerprint(count: pdes.count)
        for pde in pdes {
            fingerprint.rowIDSum &+= pde.rowID
            fingerprint.latestUpdate = max(fingerprint.latestUpdate, pde.updateTime)
        }
        if let cached = cached.withLock({ $0 }), cached.fingerprint == fingerprint { return cached.catalog }
        let catalog = makeCatalog(pdes)
        cached.withLock { $0 = Cached(fingerprint: fingerprint, catalog: catalog) }
        return catalog
    }

    /// An index over some PDEs only (not cached).
    public func makeCatalog(_ pdes: [PDERecord]) -> PDECatalog {
        let descriptors = pdes.map(Self.descriptor)
        if let builtIn = engine as? BuiltInEngine { return builtIn.makeCatalog(descriptors) }
        return PDECatalog(descriptors)
    }

    /// Drops the cached index.
    public func invalidate() {
        cached.withLock { $0 = nil }
    }

    /// The engine's view of a stored PDE.
    static func descriptor(_ pde: PDERecord) -> PDEDescriptor {
        PDEDescriptor(
            id: pde.id, system: pde.system, table: pde.table, column: pde.column, dataType: pde.dataType,
            description: pde.description, sampleValues: pde.sampleValues)
    }
}
