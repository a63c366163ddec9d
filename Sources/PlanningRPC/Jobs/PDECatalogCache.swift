import Foundation
public import PlanningEngine
import Synchronization

/// The engine's search index over every PDE of the store, rebuilt only when the PDEs change.
///
/// Indexing is the expensive part; so each call first asks the store for a version of its PDEs (one aggregate
/// query when the store offers it, otherwise a fingerprint of every row: count, row ids, update times) and
/// rebuilds only when it differs from the one the cached index was built from. `invalidate()` lets a writer of
/// PDEs force the rebuild as well.
public final class PDECatalogCache: Sendable {
    private struct Cached {
        var version: String
        var catalog: PDECatalog
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
        if let versioned = store as? any PDEVersioning {
            let version = try await versioned.pdeVersion()
            if let cached = cached.withLock({ $0 }), cached.version == version { return cached.catalog }
            let pdes = try await JobExecution.allPages { try await store.listPDEs(system: nil, page: $0) }
            return remember(makeCatalog(pdes), version: version)
        }
        let pdes = try await JobExecution.allPages { try await store.listPDEs(system: nil, page: $0) }
        var rowIDs: Int64 = 0
        var latest = Date.distantPast
        for pde in pdes {
            rowIDs &+= pde.rowID
            latest = max(latest, pde.updateTime)
        }
        let version = "\(pdes.count)|\(rowIDs)|\(latest.timeIntervalSince1970)"
        if let cached = cached.withLock({ $0 }), cached.version == version { return cached.catalog }
        return remember(makeCatalog(pdes), version: version)
    }

    private func remember(_ catalog: PDECatalog, version: String) -> PDECatalog {
        cached.withLock { $0 = Cached(version: version, catalog: catalog) }
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
