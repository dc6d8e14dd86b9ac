/// The demo pipeline, embedded so `hss-export demo` works from any directory
/// and from a copied binary. `examples/demo.pipeline.yaml` holds the same text.
enum DemoPipeline {
    static let yaml = """
        # The demo pipeline: the simulator's four tasks through all four built-in file stages.
        version: 1
        source:
          endpoint: ${HSS_DEMO_ENDPOINT}
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
        wait:
          initial_interval: 200ms
          max_interval: 1s
          timeout: 30s
          concurrency: 4
          rate_limit:
            requests: 20
            per: 1s
        stages:
          - type: jsonl
            path: ${HSS_DEMO_OUT}/results.jsonl
          - type: csv
            path: ${HSS_DEMO_OUT}/results.csv
          - type: prometheus-textfile
            path: ${HSS_DEMO_OUT}/hss_export.prom
            extra_labels:
              job_name: demo
          - type: gzip-manifest
            path: ${HSS_DEMO_OUT}/manifest.json.gz
        """
}
