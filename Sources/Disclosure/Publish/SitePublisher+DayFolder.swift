import Foundation

extension SitePublisher {
    /// Writes the day's files (and `.gz` copies) into a fresh `_versions/<date>.<revision>-<random>`
    /// folder, then makes them durable with one file-system flush and fsyncs the folders (the
    /// link that publishes them is switched only afterwards). Returns the folder's name. On a real error the
    /// partial folder is removed; nothing public has changed at that point.
    func writeVersion(date: String, revision: Int, files: [String: Data], counter: inout WriteCounter) throws -> String {
        let name = "\(date).\(revision)-\(PublishFileSystem.randomSuffix())"
        let folder = versionsPath + "/" + name
        do {
            try PublishFileSystem.makeDirectories(folder)
            var folders: Set<String> = [folder]
            var written = 0
            let copies = try Self.gzipCopies(files)
            for (relative, data) in files.sorted(by: { $0.key < $1.key }) {
                let path = folder + "/" + relative
                let parent = (path as NSString).deletingLastPathComponent
                if !folders.contains(parent) {
                    try PublishFileSystem.makeDirectories(parent)
                    folders.insert(parent)
                }
                try PublishFileSystem.writeNewFile(data, to: path, sync: false)
                counter.add(data)
                written += 1
                try crashIfWritten(written)
                if let compressed = copies[relative] {
                    try PublishFileSystem.writeNewFile(compressed, to: path + ".gz", sync: false)
                    counter.add(compressed)
                    written += 1
                    try crashIfWritten(written)
                }
            }
            try PublishFileSystem.syncFileSystem(of: folder)
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

    /// The `.gz` copies of the files that get one, compressed on every core.
    static func gzipCopies(_ files: [String: Data]) throws -> [String: Data] {
        let wanted = files.filter { wantsGzipCopy($0.key) }.map { ($0.key, $0.value) }
        let slots = ConcurrentSlots(count: wanted.count)
        let failures = ConcurrentSlots(count: wanted.count)
        DispatchQueue.concurrentPerform(iterations: wanted.count) { index in
            do {
                slots.set(index, try Gzip.compress(wanted[index].1, level: 6))
            } catch {
                failures.set(index, Data("\(error)".utf8))
            }
        }
        if let failed = failures.collect().firstIndex(where: { !$0.isEmpty }) {
            throw PublishError.compressionFailed(path: wanted[failed].0, reason: String(decoding: failures.collect()[failed], as: UTF8.self))
        }
        return Dictionary(uniqueKeysWithValues: zip(wanted.map(\.0), slots.collect()))
    }

    private func crashIfWritten(_ count: Int) throws {
        if case .afterWritingDayFiles(let limit) = crashPoint, count >= limit {
            throw SimulatedCrash(point: .afterWritingDayFiles(limit))
        }
    }
}
