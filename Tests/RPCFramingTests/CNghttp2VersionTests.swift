import CNghttp2
import Testing

struct CNghttp2VersionTests {
    @Test func linkedLibraryIsAtLeast1_52() throws {
        let info = try #require(nghttp2_version(0))
        #expect(info.pointee.version_num >= 0x013400)
    }
}
