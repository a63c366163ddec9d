import Testing

@testable import TraceExport

@Suite struct SpanQueueTests {
    private func span(_ id: UInt64) -> Span {
        Span(
            name: "s", kind: .internal, traceID: "0123456789abcdef0123456789abcdef", spanID: id, parentSpanID: nil,
            startUnixNano: 0)
    }

    @Test func holdsItsCapacityAndDropsTheSpanOnePast() {
        let queue = SpanQueue(capacity: 4, batchSize: 10)
        for id in 1...4 {
            #expect(queue.append(self.span(UInt64(id))) == .queued)
        }
        #expect(queue.count == 4)
        #expect(queue.append(self.span(5)) == .dropped)
        #expect(queue.append(self.span(6)) == .dropped)
        #expect(queue.dropped == 2)
        // What was queued stays, oldest first: the new spans were the ones dropped.
        #expect(queue.take(upTo: 10).map(\.spanID) == [1, 2, 3, 4])
        #expect(queue.append(self.span(7)) == .queued)
        #expect(queue.dropped == 2)
    }

    @Test func saysABatchIsReadyExactlyAtTheBatchSize() {
        let queue = SpanQueue(capacity: 10, batchSize: 3)
        #expect(queue.append(self.span(1)) == .queued)
        #expect(queue.append(self.span(2)) == .queued)
        #expect(queue.append(self.span(3)) == .batchReady)
        #expect(queue.append(self.span(4)) == .queued)
    }

    @Test func takesAtMostTheLimitOldestFirst() {
        let queue = SpanQueue(capacity: 10, batchSize: 3)
        for id in 1...5 { _ = queue.append(self.span(UInt64(id))) }
        #expect(queue.take(upTo: 3).map(\.spanID) == [1, 2, 3])
        #expect(queue.take(upTo: 3).map(\.spanID) == [4, 5])
        #expect(queue.take(upTo: 3).isEmpty)
    }
}
