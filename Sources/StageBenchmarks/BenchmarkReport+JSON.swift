import ExportStageKit

extension BenchmarkReport {
    /// The report as one JSON object with a stable key order, for scripts
    /// that store runs and compare them.
    ///
    /// Times are seconds, sizes bytes, rates per second; every median comes
    /// with the samples behind it.
    var jsonValue: JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            (
                "machine",
                .object([
                    ("cores", .integer(machine.cores)),
                    ("cpu_model", JSONValue(machine.cpuModel)),
                    ("os", .string(machine.operatingSystem)),
                    ("build", .string(machine.buildConfiguration)),
                ])
            ),
            ("repeats", .integer(repeats)),
            ("stages", .array(stages.map(\.jsonValue))),
        ]
        members.append(("gzip", gzip?.jsonValue ?? .null))
        return .object(members)
    }
}

extension StageMeasurement {
    var jsonValue: JSONValue {
        .object([
            ("stage", .string(label)),
            ("records", .integer(records)),
            ("seconds", .seconds(seconds)),
            ("seconds_samples", .array(secondsSamples.map(JSONValue.seconds))),
            ("records_per_second", .number(recordsPerSecond.rounded())),
            ("output_bytes", .integer(outputBytes)),
            ("peak_rss_delta_bytes", peakRSSDelta.map(JSONValue.integer) ?? .null),
            ("peak_rss_delta_samples", peakRSSDeltaSamples.map { .array($0.map(JSONValue.integer)) } ?? .null),
        ])
    }
}

extension GzipComparison {
    var jsonValue: JSONValue {
        .object([
            ("level", .integer(level)),
            ("input_bytes", .integer(inputBytes)),
            ("input_sha256", .string(inputSHA256)),
            (
                "gzip_writer",
                .object([
                    ("seconds", .seconds(writerSeconds)),
                    ("seconds_samples", .array(writerSecondsSamples.map(JSONValue.seconds))),
                    ("mb_per_second", .number(writerMBPerSecond, places: 1)),
                    ("output_bytes", .integer(writerOutputBytes)),
                ])
            ),
            (
                "system_gzip",
                .object([
                    ("seconds", .seconds(systemSeconds)),
                    ("seconds_samples", .array(systemSecondsSamples.map(JSONValue.seconds))),
                    ("mb_per_second", .number(systemMBPerSecond, places: 1)),
                    ("output_bytes", .integer(systemOutputBytes)),
                ])
            ),
            ("time_ratio", .number(timeRatio, places: 3)),
            ("verified", .bool(true)),
        ])
    }
}

private extension JSONValue {
    /// Seconds to the microsecond: finer digits are clock noise.
    static func seconds(_ value: Double) -> JSONValue {
        number(value, places: 6)
    }

    static func number(_ value: Double, places: Int) -> JSONValue {
        let scale = (0..<places).reduce(1.0) { product, _ in product * 10 }
        return .number((value * scale).rounded() / scale)
    }
}
