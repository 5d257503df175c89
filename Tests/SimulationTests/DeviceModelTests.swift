import HJ212
@testable import Simulation
import Testing

@Suite("device models and logger aggregates")
struct DeviceModelTests {
    static let start = Fixture.day.secondsSinceEpochIgnoringZone

    /// A day of records from a generator.
    static func day(_ device: DeviceSpec, seed: UInt64 = 1) -> [SimRecord] {
        var generator = RecordGenerator(plant: PlantEngine(device: device, seed: seed), start: start)
        return generator.advance(to: start + 86_400)
    }

    static func realtime(_ records: [SimRecord], from: Int64, length: Int64) -> [SimRecord] {
        records.filter {
            let t = $0.dataTime.secondsSinceEpochIgnoringZone
            return $0.kind == .realtime && t >= from && t < from + length
        }
    }

    @Test("a day gives 2880 real-time, 144 minute, 24 hour and 1 day records, stamped with the interval start")
    func recordCounts() throws {
        let records = Self.day(try Fixture.device())
        #expect(records.filter { $0.kind == .realtime }.count == 2880)
        #expect(records.filter { $0.kind == .minute }.count == 144)
        #expect(records.filter { $0.kind == .hour }.map(\.dataTime.hour) == Array(0...23))
        #expect(records.filter { $0.kind == .day }.map(\.dataTime) == [Fixture.day])
        #expect(records.filter { $0.kind == .minute }.first?.dataTime == Fixture.day)
    }

    @Test("minute, hour and day Min/Avg/Max are the min, mean and max of the device's own real-time values")
    func aggregatesAreMeans() throws {
        for medium in ["gas", "water"] {
            let records = Self.day(try Fixture.device(medium: medium))
            for record in records where record.kind != .realtime {
                let length: Int64 = record.kind == .minute ? 600 : record.kind == .hour ? 3600 : 86_400
                let samples = Self.realtime(records, from: record.dataTime.secondsSinceEpochIgnoringZone, length: length)
                #expect(samples.count == Int(length / 30))
                for reading in record.readings {
                    let values = samples.compactMap { $0.reading(reading.code)?.rtd }
                    let mean = values.reduce(0, +) / Double(values.count)
                    #expect(abs(reading.avg! - mean) <= 1e-9 * max(1, abs(mean)))
                    #expect(reading.min == values.min() && reading.max == values.max())
                    #expect(reading.flag == .normal)
                }
            }
        }
    }

    @Test("ZsRtd and ZsAvg follow C × (21 − O2ref) / (21 − O2); O2 and flow are not converted")
    func convertedValues() throws {
        let records = Self.day(try Fixture.device())
        var checked = 0
        for record in records {
            let oxygen = try #require(record.reading("a19001"))
            for reading in record.readings {
                if ["a21026", "a21002", "a34013"].contains(reading.code) {
                    if record.kind == .realtime {
                        let expected = reading.rtd! * (21 - 6) / (21 - oxygen.rtd!)
                        #expect(abs(reading.zsRtd! - expected) < 1e-9)
                    } else {
                        let expected = reading.avg! * (21 - 6) / (21 - oxygen.avg!)
                        #expect(abs(reading.zsAvg! - expected) < 1e-9)
                        #expect(reading.zsMin! <= reading.zsAvg! * 1.2 && reading.zsMax! >= reading.zsMin!)
                    }
                    checked += 1
                } else {
                    #expect(reading.zsRtd == nil && reading.zsAvg == nil)
                }
            }
        }
        #expect(checked > 9000)
    }

    @Test("Cou sums: a sample's amount is flow × interval (× concentration for masses); an hour's Cou is the sum of its minutes'")
    func couSums() throws {
        for medium in ["gas", "water"] {
            let device = try Fixture.device(medium: medium)
            let flowCode = medium == "gas" ? "a00000" : "w00000"
            let massCode = medium == "gas" ? "a21026" : "w01018"
            let records = Self.day(device)
            let minutes = records.filter { $0.kind == .minute }
            for hour in records.filter({ $0.kind == .hour }) {
                let start = hour.dataTime.secondsSinceEpochIgnoringZone
                let inHour = minutes.filter { $0.dataTime.secondsSinceEpochIgnoringZone / 3600 == start / 3600 }
                #expect(inHour.count == 6)
                for code in [flowCode, massCode] {
                    let sum = inHour.compactMap { $0.reading(code)?.cou }.reduce(0, +)
                    #expect(abs(hour.reading(code)!.cou! - sum) < 1e-6 * max(1, sum))
                }
                // From the real-time values.
                let samples = Self.realtime(records, from: start, length: 3600)
                var volume = 0.0, mass = 0.0
                for sample in samples {
                    let flow = sample.reading(flowCode)!.rtd!
                    volume += medium == "gas" ? flow * 30 : flow * 30 / 1000
                    mass += flow * sample.reading(massCode)!.rtd! * 30 / 1_000_000
                }
                #expect(abs(hour.reading(flowCode)!.cou! - volume) < 1e-6 * volume)
                #expect(abs(hour.reading(massCode)!.cou! - mass) < 1e-6 * mass)
            }
            let day = try #require(records.first { $0.kind == .day })
            #expect(day.reading(medium == "gas" ? "a19001" : "w01001")?.cou == nil)
            let hourSum = records.filter { $0.kind == .hour }.compactMap { $0.reading(flowCode)?.cou }.reduce(0, +)
            #expect(abs(day.reading(flowCode)!.cou! - hourSum) < 1e-6 * hourSum)
        }
    }

    @Test("flags are M, C, D and F during maintenance, calibration, faults and stoppages, N otherwise")
    func scheduledFlags() throws {
        let device = try Fixture.device(extra: [
            "events:",
            "  - {type: maintenance, from: \"08:00\", to: \"09:00\"}",
            "  - {type: calibration, from: \"03:00\", to: \"03:20\", pollutants: [a21026]}",
            "  - {type: fault, from: \"15:00\", to: \"16:00\", pollutants: [a21002]}",
            "  - {type: stoppage, from: \"22:00\", to: \"23:00\"}",
        ])
        let records = Self.day(device)
        func flag(_ kind: DataKind, hour: Int, minute: Int = 0, _ code: String) -> DataFlag? {
            records.first { $0.kind == kind && $0.dataTime.hour == hour && $0.dataTime.minute == minute }?.reading(code)?.flag
        }
        #expect(flag(.realtime, hour: 8, minute: 30, "a21026") == .maintenance)
        #expect(flag(.hour, hour: 8, "a00000") == .maintenance)
        #expect(flag(.minute, hour: 3, minute: 10, "a21026") == .calibration)
        #expect(flag(.minute, hour: 3, minute: 10, "a21002") == .normal)
        #expect(flag(.hour, hour: 3, "a21026") == .normal)     // 20 of 60 minutes: the hour stays N
        #expect(flag(.hour, hour: 15, "a21002") == .fault)
        let faulty = try #require(records.first { $0.kind == .realtime && $0.dataTime.hour == 15 && $0.dataTime.minute == 30 }?.reading("a21002"))
        #expect(faulty.flag == .fault && faulty.rtd == 0)
        #expect(flag(.hour, hour: 22, "a21026") == .stopped)
        #expect(flag(.hour, hour: 22, "a00000") == .stopped)
        let stopped = try #require(records.first { $0.kind == .hour && $0.dataTime.hour == 22 })
        #expect(stopped.reading("a00000")!.avg! < 1)
        #expect(stopped.reading("a19001")!.avg! > 20)
        #expect(stopped.reading("a21026")!.zsAvg == nil)    // O2 near 21 %: no converted value
        #expect(flag(.hour, hour: 12, "a21026") == .normal)
        // Hour 3's SO2 mean comes from its 40 N minutes only.
        let hour3 = try #require(records.first { $0.kind == .hour && $0.dataTime.hour == 3 }?.reading("a21026"))
        let normal = Self.realtime(records, from: Self.start + 3 * 3600, length: 3600).compactMap { $0.reading("a21026") }.filter { $0.flag == .normal }
        #expect(normal.count == 80)
        #expect(abs(hour3.avg! - normal.map { $0.rtd! }.reduce(0, +) / 80) < 1e-9)
    }

    @Test("an exceedance episode puts the converted hourly value at the factor times the limit, only in its window")
    func exceedanceEpisode() throws {
        let device = try Fixture.device(extra: [
            "episodes:",
            "  - {pollutant: a21026, factor: 2, from: \"14:00\", to: \"17:00\"}",
        ])
        let hours = Self.day(device).filter { $0.kind == .hour }
        for hour in hours {
            let zs = hour.reading("a21026")!.zsAvg!
            if (14..<17).contains(hour.dataTime.hour) {
                #expect(zs > 35 * 1.85 && zs < 35 * 2.15, "hour \(hour.dataTime.hour): \(zs)")
            } else {
                #expect(zs < 35, "hour \(hour.dataTime.hour): \(zs)")
            }
            #expect(hour.reading("a21002")!.zsAvg! < 50)
        }
        // Water: a plain factor of the limit.
        let water = try Fixture.device(medium: "water", extra: [
            "episodes:",
            "  - {pollutant: w01018, factor: 1.5, from: \"01:00\", to: \"03:00\"}",
        ])
        let waterHours = Self.day(water).filter { $0.kind == .hour }
        #expect(waterHours.filter { $0.reading("w01018")!.avg! > 50 }.map(\.dataTime.hour) == [1, 2])
    }

    @Test("the models are deterministic: the same seed gives the same values, another seed others")
    func deterministic() throws {
        let device = try Fixture.device()
        let a = Self.day(device, seed: 5), b = Self.day(device, seed: 5), c = Self.day(device, seed: 6)
        #expect(a == b)
        #expect(a != c)
        // History regenerated later equals what was produced live.
        let plant = PlantEngine(device: device, seed: 5)
        let history = RecordGenerator.history(
            plant: plant, kind: .hour, begin: Self.start + 3600, end: Self.start + 5 * 3600, origin: Self.start, now: Self.start + 86_400)
        #expect(history == a.filter { $0.kind == .hour && (1...5).contains($0.dataTime.hour) })
        let notYet = RecordGenerator.history(
            plant: plant, kind: .hour, begin: Self.start, end: Self.start + 10 * 3600, origin: Self.start, now: Self.start + 3 * 3600 + 5)
        #expect(notYet.map(\.dataTime.hour) == [0, 1, 2])
    }
}
