import Foundation

extension SitePublisher {
    /// Writes the day's files (and `.gz` copies) into a fresh `_versions/<date>.<revision>-<random>`
    /// folder, fsyncing every file and folder. Returns the folder's name. On a real error the
    /// partial folder is removed; nothing public has changed at that point.
    func writeVersion(date: String, revision: Int, files: [String: Data], counter: inout WriteCounter) throws -> String {
        let name = "\(date).\(revision)-\(PublishFileSystem.randomSuffix())"
        let folder = versionsPath + "/" + name
        do {
            try PublishFileSystem.makeDirectories(folder)
            var folders: Set<String> = [folder]
            var written = 0
            for (relative, data) in files.sorted(by: { $0.key < $1.key }) {
                let path = folder + "/" + relative
                let parent = (path as NSString).deletingLastPathComponent
                if !folders.contains(parent) {
                    try PublishFileSystem.makeDirectories(parent)
                    folders.insert(parent)
                }
                try PublishFileSystem.writeNewFile(data, to: path)
                counter.add(data)
                written += 1
                try crashIfWritten(written)
                if Self.wantsGzipCopy(relative) {
                    let compressed = try Self.gzip(data, path: path)
                    try PublishFileSystem.writeNewFile(compressed, to: path + ".gz")
                    counter.add(compressed)
                    written += 1
                    try crashIfWritten(written)
                }
            }
            for path in folders { try PublishFileSystem.syncDirectory(path) }
            try PublishFileSystem.syncDirectory(versionsPath)
        } catch let error as SimulatedCrash {
            throw error
        } catch {
            try? PublishFileSystem.remove(folder)
            throw error
        }
        return name
    }

    /// Points `<site>/<date>` at `_versions/<version>` with one `rename(2)` of a fresh link over
    /// the old one, so readers see the old version or the new one, never a mix.
    func switchDay(_ date: String, toVersion version: String) throws {
        let dayPath = rootPath + "/" + date
        switch PublishFileSystem.entry(at: dayPath) {
        case .none, .symlink:
            break
        case .directory, .file, .other:
            // An older layout put a real folder here. rename(2) cannot put a link over a folder,
            // so move it aside first (the day is briefly missing); it is removed below as unlinked.
            let aside = versionsPath + "/\(date).legacy-\(PublishFileSystem.randomSuffix())"
            logger.warning("moving a real day folder aside to replace it by a link", metadata: ["path": "\(dayPath)", "to": "\(aside)"])
            try PublishFileSystem.rename(dayPath, to: aside)
        }
        let temporary = rootPath + "/.\(date).link-\(PublishFileSystem.randomSuffix())"
        try PublishFileSystem.symlink(target: "_versions/" + version, at: temporary)
        try crash(at: .beforeSwitchingLink)
        do {
            try PublishFileSystem.rename(temporary, to: dayPath)
        } catch {
            try? PublishFileSystem.remove(temporary)
            throw error
        }
        try PublishFileSystem.syncDirectory(rootPath)
    }

    /// The revision in the name of the folder `<site>/<date>` links to, if any.
    func currentLinkRevision(_ date: String) -> Int? {
        guard let target = PublishFileSystem.linkTarget(rootPath + "/" + date) else { return nil }
        let name = (target as NSString).lastPathComponent
        guard name.hasPrefix(date + "."), let dash = name.lastIndex(of: "-") else { return nil }
        return Int(name[name.index(name.startIndex, offsetBy: date.count + 1)..<dash])
    }

    /// Removes every `_versions` entry no day link points to (replaced versions, folders left by a
    /// crashed run, folders moved aside) and temporary links/files a crashed run left in the root.
    /// Best effort: a failure is logged, not thrown, since the day is already published.
    func removeUnlinkedVersions() {
        do {
            let entries = try PublishFileSystem.contents(of: rootPath)
            var linked: Set<String> = []
            for entry in entries where Self.isDate(entry) {
                if let target = PublishFileSystem.linkTarget(rootPath + "/" + entry), target.hasPrefix("_versions/") {
                    linked.insert(String(target.dropFirst("_versions/".count).split(separator: "/").first ?? ""))
                }
            }
            for entry in try PublishFileSystem.contents(of: versionsPath) where !linked.contains(entry) {
                try PublishFileSystem.remove(versionsPath + "/" + entry)
                logger.debug("removed unlinked version", metadata: ["folder": "\(entry)"])
            }
            sweepTemporaries(in: rootPath)
        } catch {
            logger.warning("could not remove old versions", metadata: ["error": "\(error)"])
        }
    }

    /// Removes `.<name>.tmp-…` files and `.<date>.link-…` links left by a crashed run.
    func sweepTemporaries(in folder: String) {
        guard let entries = try? PublishFileSystem.contents(of: folder) else { return }
        for entry in entries where entry.hasPrefix(".") && (entry.contains(".tmp-") || entry.contains(".link-")) {
            try? PublishFileSystem.remove(folder + "/" + entry)
        }
    }

    static func gzip(_ data: Data, path: String) throws -> Data {
        do {
            return try Gzip.compress(data)
        } catch {
            throw PublishError.compressionFailed(path: path, reason: "\(error)")
        }
    }

    private func crashIfWritten(_ count: Int) throws {
        if case .afterWritingDayFiles(let limit) = crashPoint, count >= limit {
            throw SimulatedCrash(point: .afterWritingDayFiles(limit))
        }
    }
}
