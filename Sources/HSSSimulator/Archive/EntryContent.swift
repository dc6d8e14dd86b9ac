/// The bytes of one CSV entry, produced a chunk at a time: the header line, then seeded
/// rows until a row count or an exact byte size is reached (the last row then pads to it).
struct EntryContent {
    /// When the entry ends.
    enum Limit: Sendable, Equatable {
        /// After this many data rows.
        case rows(Int)
        /// At exactly this many bytes (or the header line, when that is longer).
        case bytes(Int)
    }

    private var generator: CSVRowGenerator
    private let limit: Limit
    private var headerWritten = false
    private var rowsWritten = 0
    private var scratch: [UInt8] = []
    /// The bytes produced so far.
    private(set) var count = 0
    /// Whether the entry is complete.
    private(set) var isFinished = false

    init(generator: CSVRowGenerator, limit: Limit) {
        self.generator = generator
        self.limit = limit
    }

    /// The size an entry with this limit has: exact for `bytes`, measured for `rows`.
    static func size(generator: CSVRowGenerator, limit: Limit) -> Int {
        switch limit {
        case .bytes(let bytes):
            return max(bytes, generator.header.count)
        case .rows:
            var content = EntryContent(generator: generator, limit: limit)
            var sink: [UInt8] = []
            sink.reserveCapacity(1 << 16)
            while !content.isFinished {
                sink.removeAll(keepingCapacity: true)
                content.fill(&sink, upTo: 1 << 16)
            }
            return content.count
        }
    }

    /// Appends content to `output` until it holds at least `chunkSize` bytes or the entry ends.
    mutating func fill(_ output: inout [UInt8], upTo chunkSize: Int) {
        let start = output.count
        defer { count += output.count - start }
        if !headerWritten {
            output.append(contentsOf: generator.header)
            headerWritten = true
        }
        while output.count < chunkSize && !isFinished {
            switch limit {
            case .rows(let rows):
                guard rowsWritten < rows else {
                    isFinished = true
                    break
                }
                generator.appendRow(to: &output)
                rowsWritten += 1
            case .bytes(let bytes):
                let remaining = bytes - (count + output.count - start)
                guard remaining > 0 else {
                    isFinished = true
                    break
                }
                scratch.removeAll(keepingCapacity: true)
                generator.appendRow(to: &scratch)
                if scratch.count == remaining || scratch.count + generator.minimumFillerCount <= remaining {
                    output.append(contentsOf: scratch)
                    rowsWritten += 1
                } else {
                    generator.appendFiller(count: remaining, to: &output)
                    isFinished = true
                }
            }
        }
        if case .rows(let rows) = limit, rowsWritten >= rows {
            isFinished = true
        }
    }
}
