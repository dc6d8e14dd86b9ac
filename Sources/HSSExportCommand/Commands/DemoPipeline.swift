/// The demo pipeline, embedded so `hss-export demo` works from any directory
/// and from a copied binary. `examples/demo.pipeline.yaml` holds the same text
/// (a test keeps them identical).
public enum DemoPipeline {
    /// The pipeline file's text.
    public static let yaml = #"""
        # The demo pipeline, the whole nightly job: create two exports, wait for them and
        # the simulator's four listed tasks, download and verify the finished files, and
        # write all four built-in file stages.
        # `hss-export demo` embeds this text (Sources/HSSExportCommand/DemoPipeline.swift)
        # and sets HSS_DEMO_ENDPOINT, HSS_DEMO_TOKEN and HSS_DEMO_OUT itself. The
        # defaults below keep `hss-export validate` passing when they are unset; to run
        # it by hand, start `hss-export simulate`, export HSS_DEMO_ENDPOINT=<its URL>,
        # HSS_DEMO_TOKEN=demo-token and HSS_DEMO_OUT=<an existing directory>.
        version: 1
        source:
          endpoint: ${HSS_DEMO_ENDPOINT:-http://127.0.0.1:8080}
          region: cn-north-4
          project_id: 0a1b2c3d4e5f60718293a4b5c6d7e8f9
          enterprise_project_id: "0"
          auth:
            token: ${HSS_DEMO_TOKEN}
        tasks:
          - export-vul-0001
          - export-event-0002
          - export-baseline-0003
          - export-report-0004
        exports:
          - kind: vulnerabilities
            category: vul
            export_size: 1000
            export_headers: [[vul_name, Vulnerability], [cve_ids, CVE]]
          - kind: events
            category: host
            event_id: demo
            last_days: 1
            export_headers: [[event_name, Alarm], [severity, Severity]]
        download:
          dir: ${HSS_DEMO_OUT:-./hss-export-demo}/archives
          hash_entries: true
        wait:
          initial_interval: 200ms
          max_interval: 1s
          timeout: 30s
          concurrency: 4
          rate_limit:
            requests: 20
            per: 1s
          create_rate_limit: {requests: 20, per: 1s}
          download_rate_limit: {requests: 20, per: 1s}
        stages:
          - type: jsonl
            path: ${HSS_DEMO_OUT:-./hss-export-demo}/results.jsonl
          - type: csv
            path: ${HSS_DEMO_OUT:-./hss-export-demo}/results.csv
          - type: prometheus-textfile
            path: ${HSS_DEMO_OUT:-./hss-export-demo}/hss_export.prom
            extra_labels:
              job_name: demo
          - type: gzip-manifest
            path: ${HSS_DEMO_OUT:-./hss-export-demo}/manifest.json.gz
        """#
}
