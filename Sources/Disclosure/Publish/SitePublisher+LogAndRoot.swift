import Foundation

extension SitePublisher {
    /// Reads `_meta/publications.json`; an empty log when the file does not exist.
    func readLog() throws -> PublicationLog {
        guard let data = try PublishFileSystem.readFile(logPath) else { return PublicationLog() }
        do {
            return try JSONDecoder().decode(PublicationLog.self, from: data)
        } catch {
            throw PublishError.logUnreadable(path: logPath, reason: "\(error)")
        }
    }

    /// Replaces the log atomically (temporary file, fsync, rename, fsync of `_meta`).
    func writeLog(_ log: PublicationLog, counter: inout WriteCounter) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data: Data
        do {
            data = try encoder.encode(log)
        } catch {
            throw PublishError.fileSystem(operation: "encode the publication log for", path: logPath, reason: "\(error)")
        }
        try PublishFileSystem.replaceFile(data, at: logPath)
        try PublishFileSystem.syncDirectory(metaPath)
        counter.add(data)
    }

    /// Replaces each root file atomically; its `.gz` copy is replaced after it, so a copy is never
    /// newer than a file it does not match (the HTTP front ignores copies older than their file).
    func writeRootFiles(_ files: [String: Data], counter: inout WriteCounter) throws {
        var folders: Set<String> = []
        for (relative, data) in files.sorted(by: { $0.key < $1.key }) {
            let path = rootPath + "/" + relative
            let parent = (path as NSString).deletingLastPathComponent
            if !folders.contains(parent) {
                try PublishFileSystem.makeDirectories(parent)
                sweepTemporaries(in: parent)
                folders.insert(parent)
            }
            try PublishFileSystem.replaceFile(data, at: path)
            counter.add(data)
            if Self.wantsGzipCopy(relative) {
                let compressed = try Self.gzip(data, path: path)
                try PublishFileSystem.replaceFile(compressed, at: path + ".gz")
                counter.add(compressed)
            }
        }
        for folder in folders { try PublishFileSystem.syncDirectory(folder) }
    }
}
