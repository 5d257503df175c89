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
        // Every file goes to a temporary name first; one file-system flush makes them all
        // durable; then each is renamed into place (atomic per file), copies after their file.
        var folders: Set<String> = []
        var staged: [(temporary: String, path: String)] = []
        let copies = try Self.gzipCopies(files)
        do {
            for (relative, data) in files.sorted(by: { $0.key < $1.key }) {
                let path = rootPath + "/" + relative
                let parent = (path as NSString).deletingLastPathComponent
                if !folders.contains(parent) {
                    try PublishFileSystem.makeDirectories(parent)
                    sweepTemporaries(in: parent)
                    folders.insert(parent)
                }
                staged.append((try PublishFileSystem.stageFile(data, for: path), path))
                counter.add(data)
                if let compressed = copies[relative] {
                    staged.append((try PublishFileSystem.stageFile(compressed, for: path + ".gz"), path + ".gz"))
                    counter.add(compressed)
                }
            }
            try PublishFileSystem.syncFileSystem(of: rootPath)
            for (index, entry) in staged.enumerated() {
                try PublishFileSystem.rename(entry.temporary, to: entry.path)
                staged[index].temporary = ""
            }
        } catch {
            for entry in staged where !entry.temporary.isEmpty { unlink(entry.temporary) }
            throw error
        }
        for folder in folders { try PublishFileSystem.syncDirectory(folder) }
    }
}
