import { defineCodes } from './ErrorCodeInfo.ts';

/**
 * Codes of the spec compiler: YAML reading (DBA_YAML_*) and spec validation (DBA_SPEC_*). Each is reported as a
 * SpecIssue with file, line, column and JSON pointer; the hint here is the generic one, issues usually carry a
 * more specific hint (a did-you-mean, the accepted forms).
 */
export const specCodes = defineCodes({
  DBA_YAML_SYNTAX: {
    summary: 'The file is not valid YAML.',
    hint: 'Fix the YAML at the position shown; `yamllint` or an editor with YAML support shows the structure.',
    retryable: false,
  },
  DBA_YAML_DUPLICATE_KEY: {
    summary: 'A mapping defines the same key twice; YAML would silently keep only one of them.',
    hint: 'Remove or rename one of the two keys.',
    retryable: false,
  },
  DBA_YAML_TAB_INDENT: {
    summary: 'A tab character is used for indentation; YAML allows spaces only.',
    hint: 'Replace the tabs with spaces (configure your editor to insert spaces in .yaml files).',
    retryable: false,
  },
  DBA_YAML_UNCLOSED_QUOTE: {
    summary: 'A quoted string is not closed.',
    hint: 'Add the closing quote, or escape a quote inside the string (`\\"` in double quotes, `\'\'` in single quotes).',
    retryable: false,
  },
  DBA_YAML_UNDEFINED_ALIAS: {
    summary: 'An alias (`*name`) refers to an anchor (`&name`) that is not defined before it.',
    hint: 'Define the anchor earlier in the same file, or fix the alias name.',
    retryable: false,
  },
  DBA_YAML_ALIAS_LIMIT: {
    summary: 'The file expands too many aliases (an alias bomb would take unbounded memory).',
    hint: 'Use fewer aliases; specs rarely need more than a handful of anchors.',
    retryable: false,
  },
  DBA_YAML_FILE_TOO_LARGE: {
    summary: 'A spec file is larger than the size limit.',
    hint: 'Split the spec into several files in one directory, or check that the right file was given.',
    retryable: false,
  },
  DBA_YAML_TOO_DEEP: {
    summary: 'The YAML nests collections deeper than the limit (flow `[`/`{` levels, or block levels: indentation and compact `- - -`).',
    hint: 'Flatten the structure; no spec section nests more than a few levels.',
    retryable: false,
  },
  DBA_YAML_BINARY: {
    summary: 'The file is not UTF-8 text (it holds NUL bytes or invalid UTF-8 sequences).',
    hint: 'Check that the path points at a YAML spec, and save it as UTF-8.',
    retryable: false,
  },
  DBA_SPEC_PATH_NOT_FOUND: {
    summary: 'A spec path given does not exist or cannot be read.',
    hint: 'Check the path; a spec is a .yaml/.yml file or a directory holding them.',
    retryable: false,
  },
  DBA_SPEC_NOT_A_FILE: {
    summary: 'A spec path (or the target of a symlink) is a device, named pipe, socket or other non-regular file.',
    hint: 'Point at a .yaml/.yml file or a directory holding them; specs are not read from devices or pipes.',
    retryable: false,
  },
  DBA_SPEC_NO_FILES: {
    summary: 'A spec directory holds no .yaml or .yml files.',
    hint: 'Point at the directory that holds the spec files (subdirectories are not read).',
    retryable: false,
  },
  DBA_SPEC_NOT_MAPPING: {
    summary: 'A spec document is not a mapping of section names to sections.',
    hint: 'Start the file with a section key such as `gateway_config:`.',
    retryable: false,
  },
  DBA_SPEC_EMPTY: {
    summary: 'A spec file holds no sections.',
    hint: 'Add a section, or remove the file.',
    retryable: false,
  },
  DBA_SPEC_DUPLICATE_SECTION: {
    summary: 'The same top-level section is defined in two files (or two documents) of one spec.',
    hint: 'Keep each section in one place; merge the two definitions.',
    retryable: false,
  },
  DBA_SPEC_API_VERSION: {
    summary: 'The `apiVersion` marker names a version this dbarch does not understand, or files disagree on it.',
    hint: 'Use `apiVersion: dbarch/v1`.',
    retryable: false,
  },
  DBA_SPEC_UNKNOWN_KEY: {
    summary: 'A key is not part of the spec language at this place (often a typo).',
    hint: 'Use one of the keys listed in docs/spec.md for this section.',
    retryable: false,
  },
  DBA_SPEC_MISSING_KEY: {
    summary: 'A required key is missing.',
    hint: 'Add the key named in the message.',
    retryable: false,
  },
  DBA_SPEC_TYPE: {
    summary: 'A value has the wrong type (for example a list where a mapping is expected).',
    hint: 'Write the value with the type named in the message; quote strings that YAML would read as numbers or booleans.',
    retryable: false,
  },
  DBA_SPEC_ENUM: {
    summary: 'A value is not one of the accepted choices.',
    hint: 'Use one of the values listed in the message.',
    retryable: false,
  },
  DBA_SPEC_RANGE: {
    summary: 'A number is outside its allowed range.',
    hint: 'Use a number within the bounds given in the message.',
    retryable: false,
  },
  DBA_SPEC_PATTERN: {
    summary: 'A name or identifier does not have the required form.',
    hint: 'Use lowercase letters, digits, `_`, `-` and `.` as the message describes.',
    retryable: false,
  },
  DBA_SPEC_LENGTH: {
    summary: 'A list or string is too short or too long (for example an empty list where one entry is needed).',
    hint: 'Add or remove entries as the message says.',
    retryable: false,
  },
  DBA_SPEC_INVALID: {
    summary: 'A value does not match any accepted form.',
    hint: 'Compare the value with the forms documented for this field in docs/spec.md.',
    retryable: false,
  },
  DBA_SPEC_DURATION: {
    summary: 'A duration is not valid.',
    hint: 'Write a number of seconds (`3600`) or a number with a unit: `500ms`, `10s`, `5m`, `1h`, `7d`, `2w`, combinable (`1h30m`).',
    retryable: false,
  },
  DBA_SPEC_RATE: {
    summary: 'A rate is not valid.',
    hint: 'Write `<count>req/<unit>` with unit s, min or h, e.g. `1000req/min` or `50req/s`.',
    retryable: false,
  },
  DBA_SPEC_SIZE: {
    summary: 'A size is not valid.',
    hint: 'Write a number with a unit: B, kB, MB, GB, TB (powers of 1000) or KiB, MiB, GiB, TiB (powers of 1024), e.g. `256MB`.',
    retryable: false,
  },
  DBA_SPEC_PERCENT: {
    summary: 'A percentage is not valid.',
    hint: 'Write a number from 0 to 100 followed by `%`, e.g. `90%`.',
    retryable: false,
  },
  DBA_SPEC_ALERT_CONDITION: {
    summary: 'An alert condition cannot be parsed.',
    hint: 'Write `<metric> <operator> <threshold>`, e.g. `replication_lag > 10s` or `pool_utilization > 90%`; operators: > >= < <= == !=.',
    retryable: false,
  },
  DBA_SPEC_UNKNOWN_METRIC: {
    summary: 'A metric name is not in the catalogue of metrics dbarch exports.',
    hint: 'Use a metric listed in docs/spec.md (section "Metric catalogue").',
    retryable: false,
  },
  DBA_SPEC_ALERT_UNIT: {
    summary: 'An alert threshold has a unit that does not fit its metric (for example a percentage for a duration metric).',
    hint: 'Use the unit of the metric: a duration for lag and latency, a percentage for utilisation, a plain number for counts.',
    retryable: false,
  },
  DBA_SPEC_FREQUENCY: {
    summary: 'A schedule frequency is neither a known name nor a valid cron expression.',
    hint: 'Use hourly, daily, weekly or monthly, or a five-field cron expression such as `0 3 * * *`.',
    retryable: false,
  },
  DBA_SPEC_DESTINATION: {
    summary: 'A destination URL is not valid or uses an unsupported scheme.',
    hint: 'Use `s3://bucket/prefix/`, `gs://bucket/prefix/` or `file:///absolute/path/`.',
    retryable: false,
  },
  DBA_SPEC_CONNECTION_URL: {
    summary: 'A connection reference is not a valid URL for its service.',
    hint: 'Write an env reference with a local default, e.g. `${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/app}`.',
    retryable: false,
  },
  DBA_SPEC_REFERENCE: {
    summary: 'An env or secret reference is malformed.',
    hint: 'Write `${NAME}` or `${NAME:-default}` (NAME: letters, digits and `_`, not starting with a digit); write `$${` for a literal `${`.',
    retryable: false,
  },
  DBA_SPEC_INLINE_SECRET: {
    summary: 'A secret (api key, password, token) is written inline instead of as a reference.',
    hint: 'Write `${ENV_NAME}` or a secret-provider URL (`vault://path#key`, `aws-sm://name`); never commit the secret itself.',
    retryable: false,
  },
  DBA_SPEC_STEPS: {
    summary: 'A step list cannot be read: prose steps must be numbered `1. … 2. …` in order.',
    hint: 'Number the steps 1., 2., 3. …, or use the structured form (a list of `{ name, action, with }`).',
    retryable: false,
  },
  DBA_SPEC_DUPLICATE_NAME: {
    summary: 'Two entries of a list that must be unique share a name.',
    hint: 'Rename or remove one of them.',
    retryable: false,
  },
  DBA_SPEC_UNKNOWN_REFERENCE: {
    summary: 'A value refers to a cluster, database, exchange or step that the spec does not define.',
    hint: 'Define the referenced item, or fix the name (the message suggests the closest one).',
    retryable: false,
  },
  DBA_SPEC_POOL_BOUNDS: {
    summary: 'A connection pool minimum is larger than its maximum.',
    hint: 'Make `min` less than or equal to `max`.',
    retryable: false,
  },
  DBA_SPEC_WEIGHTS: {
    summary: 'All endpoint weights of a service are zero, so no endpoint would receive traffic.',
    hint: 'Give at least one endpoint a positive weight.',
    retryable: false,
  },
  DBA_SPEC_HEALTH_TIMEOUT: {
    summary: 'A health-check timeout is not shorter than its interval.',
    hint: 'Make `timeout` shorter than `interval`, so a check finishes before the next one starts.',
    retryable: false,
  },
  DBA_SPEC_DUPLICATE_PATTERN: {
    summary: 'Two TTL policies use the same key pattern, so one of them never applies.',
    hint: 'Merge the two policies or make the patterns distinct.',
    retryable: false,
  },
  DBA_SPEC_EVENT_UNPRODUCED: {
    summary: 'A cache invalidation event is produced by nothing in the spec (no CDC table, outbox event or declared event).',
    hint: 'Declare the event under `cache_config.events` if an application emits it, or add the table to `cdc_config.tables`.',
    retryable: false,
  },
  DBA_SPEC_QUEUE_BINDING: {
    summary: 'A queue binding does not fit the type of its exchange.',
    hint: 'topic: dot-separated words with `*`/`#` as whole words; direct: an exact key without wildcards; fanout: no key; headers: `binding_headers`.',
    retryable: false,
  },
  DBA_SPEC_PORT_CONFLICT: {
    summary: 'Two listeners use the same port.',
    hint: 'Give each exporter its own port.',
    retryable: false,
  },
  DBA_SPEC_UNSAFE_AUTO_MIGRATE: {
    summary: 'A protected environment (production, or `protected: true`) migrates automatically without an approval gate.',
    hint: 'Set `require_approval: true` on the environment, or `auto_migrate: false`.',
    retryable: false,
  },
  DBA_SPEC_BACKUP_RETENTION: {
    summary: 'Backups or WAL are kept for less time than the point-in-time recovery window, so the window cannot be honoured.',
    hint: 'Make base backup and WAL retention at least as long as `point_in_time_recovery.recovery_window`.',
    retryable: false,
  },
  DBA_SPEC_PITR_WAL: {
    summary: 'Point-in-time recovery is enabled but WAL archiving is not.',
    hint: 'Set `wal_archiving.enabled: true` (PITR replays archived WAL on top of a base backup).',
    retryable: false,
  },
  DBA_SPEC_ROLE_CONFLICT: {
    summary: 'A role restriction contradicts one of the role\'s permissions.',
    hint: 'Remove the permission or the restriction.',
    retryable: false,
  },
  DBA_SPEC_TLS_VERSION: {
    summary: 'The TLS version is not supported; dbarch requires TLS 1.2 or later.',
    hint: 'Use `tls_version: 1.2` or `tls_version: 1.3`.',
    retryable: false,
  },
  DBA_SPEC_CIPHER_SUITE: {
    summary: 'A cipher suite is unknown, weak, or not usable with the configured TLS version.',
    hint: 'TLS 1.3: TLS_AES_256_GCM_SHA384, TLS_AES_128_GCM_SHA256, TLS_CHACHA20_POLY1305_SHA256; TLS 1.2 adds the ECDHE AEAD suites.',
    retryable: false,
  },
  DBA_SPEC_BLUE_GREEN_SAME: {
    summary: 'Blue-green `current` and `standby` name the same database.',
    hint: 'Name two different databases: the one serving traffic and the one receiving migrations.',
    retryable: false,
  },
  DBA_SPEC_MIGRATIONS_DIR: {
    summary: 'A migrations directory does not exist.',
    hint: 'Create the directory or fix the path (relative paths are relative to the spec file that names them).',
    retryable: false,
  },
  DBA_SPEC_CHECK_FAILED: {
    summary: 'A section\'s semantic check crashed; this is a bug in the section (built-in or plugin).',
    hint: 'Report it with the spec that triggers it; the other checks still ran.',
    retryable: false,
  },
  DBA_SPEC_SECTION_INVALID: {
    summary: 'A section definition passed to the compiler is unusable (bad key, key clash, or invalid JSON Schema).',
    hint: 'Fix the plugin\'s section definition: a unique snake_case key and a JSON Schema that ajv strict mode accepts.',
    retryable: false,
  },
});
