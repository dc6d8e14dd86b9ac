extension SimulatorScenario {
    /// The built-in scenario used by `hss-export demo` and `simulate`, identical to
    /// `Resources/default-scenario.yaml` (a test keeps the two equal).
    ///
    /// Project `0a1b2c3d4e5f60718293a4b5c6d7e8f9`; token `demo-token`; access key
    /// `HPUAEXAMPLEAK0000001` with secret key `ExampleSecretKey0000000000000000000000000`;
    /// 600 requests per minute per user and API; four tasks:
    /// - `export-vul-0001`: running for 3 polls, then success;
    /// - `export-event-0002`: running for 2 polls, then success;
    /// - `export-baseline-0003`: running for 1 poll, then failure;
    /// - `export-report-0004`: running for 1 s after its first poll, then success;
    ///
    /// and an export template: created tasks run for 2 polls, then succeed, and download as a
    /// zip of two CSV entries of 40 rows.
    ///
    /// It is parsed from text compiled into the binary. The module has no resource bundle
    /// (Package.swift excludes `Resources/`): `Bundle.module` stops the process when the
    /// bundle is not beside the binary, and an installed or packaged `hss-export` has none.
    public static let `default`: SimulatorScenario = {
        do {
            return try SimulatorScenario(yaml: defaultYAML, sourceName: "default-scenario.yaml")
        } catch {
            preconditionFailure("the built-in default scenario is invalid: \(error)")
        }
    }()

    /// The text of the built-in scenario; `Resources/default-scenario.yaml` holds the same
    /// bytes, as the documented copy to start a scenario of one's own from.
    public static let defaultYAML = #"""
        # HSS simulator scenario (the built-in default).
        #
        # Format (all keys snake_case; unknown keys are errors):
        #   project_id:   required; the {project_id} every path must carry
        #   tokens:       accepted X-Auth-Token values
        #   access_keys:  accepted AK/SK pairs: [{access_key, secret_key}] (SDK-HMAC-SHA256)
        #   rate_limit:   {requests: N, per: DURATION} per user (token or AK); default 600 per 60s
        #   latency:      optional DURATION added before every response
        #   tasks:        list of {id, name, file_id, file_name, script}
        #                 (name defaults to id, file_id to file-<id>, file_name to <id>.zip)
        #   script:       ordered steps, each with exactly one of
        #                   status: STRING        task_status to answer (success, failure, running
        #                                         or any other string, sent verbatim)
        #                   http_status: 400-599  answer this HTTP error in HSS error format
        #                                         (optional error_code, error_msg)
        #                 and at most one of
        #                   polls: N              for the next N polls
        #                   for: DURATION         until DURATION after the step's first poll
        #                 A step without a length, and the last step, answer every later poll.
        #   DURATION:     as in pipeline files: 500ms, 2s, 1.5m, 1h, 1m30s
        #   rate_limit is per user AND per API: queries (GET export-task/{id}), downloads
        #   (GET download/{id}) and each create route (POST) have their own window.
        #   rate_limits:  optional per-API overrides {create: {requests, per}, query: ..., download: ...}
        #   export_template: how tasks made by the create routes (POST vul/export, event/export,
        #                 asset/export, baseline/export, container/export-task, export-task) behave:
        #                   script: [steps]       as for tasks; default running for 2 polls, then success
        #                   file_name: STRING     verbatim (hostile names stay hostile), placeholders
        #                                         {n} {task_id} {kind} {suffix}; default
        #                                         hss-<kind>-<category>-zh-{suffix}.zip
        #                   task_name: STRING     same placeholders; default "<kind> export {n}"
        #                   record_total_num: N   the create answer's count; default the archive's rows
        #                   archive:              the downloaded zip of CSV entries:
        #                     entries: N          default 2 (or the number of entry_names)
        #                     rows: N             data rows per entry; default 25
        #                     bytes: SIZE         instead of rows: the zip's exact size, e.g. 200MB (streamed)
        #                     entry_names: [..]   verbatim, e.g. ["../evil.csv", "ok.csv"]
        #   export_templates: per-kind templates over export_template, keyed by kind
        #                 (vulnerabilities, events, assets, baseline, containers, operational-report),
        #                 SDK operation (ExportVuls, ...) or path (vul/export, ...)
        #   faults:       {truncate_downloads: N (first N downloads of each file cut off mid-body),
        #                  truncate_after: SIZE (default half), create_latency: DURATION,
        #                  download_latency: DURATION, download_rate: SIZE per second}
        #   SIZE:         bytes, or with a unit: 64KB, 20MB, 1GB (1 MB = 1048576 bytes)
        #
        #   project_name: the primary project's name for IAM's GET /v3/projects; default cn-north-4
        #   projects:     more projects [{id, name}]; HSS routes accept their ids, exports created
        #                 in a project belong to it, listed tasks to project_id
        #   rate_limit_per_ip:  {requests, per} per source IP and API, besides per user; default off
        #   rate_limits_per_ip: per-API overrides {create, query, download} of rate_limit_per_ip
        #   metadata:     {ttl: DURATION, agency: NAME}: ECS metadata routes (PUT /meta-data/latest/api/token,
        #                 GET /openstack/latest/securitykey); every key fetch issues temporary keys valid
        #                 for ttl (default 24h), all acting as the user agency:NAME (default ecs-agency);
        #                 attached: false is a server without an agency (key fetches get 401)
        #   iam:          {users: [{name, domain, password}], token_ttl: DURATION (default 24h)}:
        #                 POST /v3/auth/tokens (password logins); GET /v3/projects is always served
        #
        # At least one token, access key, metadata or IAM user is required; task ids
        # and project ids must be unique.

        project_id: 0a1b2c3d4e5f60718293a4b5c6d7e8f9

        tokens:
          - demo-token

        access_keys:
          - access_key: HPUAEXAMPLEAK0000001
            secret_key: ExampleSecretKey0000000000000000000000000

        # Generous, so the demo never waits; lower it to exercise 429 handling.
        rate_limit:
          requests: 600
          per: 60s

        tasks:
          - id: export-vul-0001
            name: Vulnerability export
            file_id: file-vul-0001
            file_name: vulnerabilities.zip
            script:
              - {status: running, polls: 3}
              - {status: success}

          - id: export-event-0002
            name: Security event export
            file_id: file-event-0002
            file_name: security-events.zip
            script:
              - {status: running, polls: 2}
              - {status: success}

          - id: export-baseline-0003
            name: Baseline check export
            file_id: file-baseline-0003
            file_name: baseline-checks.zip
            script:
              - {status: running, polls: 1}
              - {status: failure}

          - id: export-report-0004
            name: Monthly security report
            file_id: file-report-0004
            file_name: monthly-report.zip
            script:
              - {status: running, for: 1s}
              - {status: success}

        # Tasks created by `POST .../vul/export` and the other create routes: done after two
        # polls, with a small zip of two CSV files, so a demo that creates exports ends in seconds.
        export_template:
          script:
            - {status: running, polls: 2}
            - {status: success}
          archive: {entries: 2, rows: 40}

        """#
}
