import type { ErrorCode } from '../../errors/registry.ts';
import { compareVersions, versionParts } from './compareVersions.ts';
import type { HistoryRow } from './historyTable.ts';
import type { MigrationFile, MigrationKind } from './MigrationFile.ts';
import type { MigrationSet } from './MigrationSet.ts';

/**
 * Status of one script against the history table:
 * applied · pending (will run) · outdated (a repeatable whose file changed: will run again) · failed (a
 * failed record blocks the run) · checksum-mismatch (applied, then edited) · below-baseline (older than the
 * baseline: never run) · out-of-order (pending but older than the latest applied, outOfOrder off) ·
 * above-target (newer than the target) · missing (applied, file gone) · available (an undo script).
 */
export type MigrationStatus =
  | 'applied'
  | 'pending'
  | 'outdated'
  | 'failed'
  | 'checksum-mismatch'
  | 'below-baseline'
  | 'out-of-order'
  | 'above-target'
  | 'missing'
  | 'available';

export interface PlannedFile {
  readonly script: string;
  readonly kind: MigrationKind;
  readonly version: string | null;
  readonly description: string;
  readonly status: MigrationStatus;
  /** Checksum of the local file; null when the file is missing. */
  readonly checksum: string | null;
  /** Checksum recorded in history; null when never applied. */
  readonly appliedChecksum: string | null;
  readonly installedAt: string | null;
  /** True when this pending script is older than the latest applied version (runs only with outOfOrder). */
  readonly outOfOrder: boolean;
}

/** A reason the run must not start; apply throws the first code and lists all of them. */
export interface PlanIssue {
  readonly code: ErrorCode;
  readonly script: string;
  readonly message: string;
  readonly details: Record<string, unknown>;
}

export interface MigrationPlan {
  readonly files: readonly PlannedFile[];
  /** Scripts to run, in order: pending versioned migrations by version, then repeatables by description. */
  readonly steps: readonly MigrationFile[];
  readonly issues: readonly PlanIssue[];
  readonly baselineVersion: string | null;
  /** Highest version currently applied (or the baseline), null on an empty history. */
  readonly currentVersion: string | null;
}

export interface PlanOptions {
  /** Apply versions up to and including this one; null for all. */
  readonly target?: string | null;
  /** Run pending versions older than the latest applied one instead of refusing. */
  readonly outOfOrder?: boolean;
  /** Tolerate history rows whose files are gone (e.g. squashed migrations). */
  readonly allowMissing?: boolean;
}

/** Normal form used as a map key: `1`, `1.0` and `001` are one version. */
export function versionKey(version: string): string {
  return versionParts(version).join('.');
}

/**
 * Decides what a run would do, without touching the database: the same function serves dry-run and apply,
 * so what a reviewer approved is exactly what runs. History rows are read in installation order; the latest
 * versioned/undo row of a version decides whether it is applied now (an undo makes it pending again).
 */
export function planMigrations(set: MigrationSet, history: readonly HistoryRow[], options: PlanOptions = {}): MigrationPlan {
  const latestByVersion = new Map<string, HistoryRow>();
  const latestByDescription = new Map<string, HistoryRow>();
  let baseline: HistoryRow | null = null;
  for (const row of history) {
    if (row.type === 'baseline') baseline = row;
    else if (row.type === 'repeatable') latestByDescription.set(row.description, row);
    else if (row.version !== null) latestByVersion.set(versionKey(row.version), row);
  }
  const baselineVersion = baseline?.version ?? null;
  let currentVersion = baselineVersion;
  for (const row of latestByVersion.values()) {
    if (row.type === 'versioned' && row.success && row.version !== null && (currentVersion === null || compareVersions(row.version, currentVersion) > 0)) {
      currentVersion = row.version;
    }
  }

  const files: PlannedFile[] = [];
  const steps: MigrationFile[] = [];
  const issues: PlanIssue[] = [];
  const target = options.target ?? null;
  const seenVersions = new Set<string>();

  for (const file of set.versioned) {
    const version = file.version ?? '0';
    const key = versionKey(version);
    seenVersions.add(key);
    const row = latestByVersion.get(key);
    const base = { script: file.script, kind: file.kind, version, description: file.description, checksum: file.checksum, outOfOrder: false };
    if (row && !row.success) {
      // A failed versioned row (a no-transaction V script stopped part-way) or a failed undo row (a
      // no-transaction U script stopped part-way): either way the schema is half-changed, so the version is
      // neither applied nor pending until someone cleans up and runs repair.
      files.push({ ...base, status: 'failed', appliedChecksum: row.checksum, installedAt: row.installedAt });
      issues.push(failedIssue(file.script, row));
    } else if (row && row.type === 'versioned') {
      const mismatch = row.checksum !== file.checksum;
      files.push({ ...base, status: mismatch ? 'checksum-mismatch' : 'applied', appliedChecksum: row.checksum, installedAt: row.installedAt });
      if (mismatch) {
        issues.push({
          code: 'DBA_MIGRATION_CHECKSUM_MISMATCH',
          script: file.script,
          message: `${file.script} was edited after it was applied: applied checksum ${row.checksum ?? 'none'}, file checksum ${file.checksum}`,
          details: { version, appliedChecksum: row.checksum, fileChecksum: file.checksum },
        });
      }
    } else if (baselineVersion !== null && compareVersions(version, baselineVersion) <= 0) {
      files.push({ ...base, status: 'below-baseline', appliedChecksum: null, installedAt: null });
    } else if (target !== null && compareVersions(version, target) > 0) {
      files.push({ ...base, status: 'above-target', appliedChecksum: null, installedAt: null });
    } else if (currentVersion !== null && compareVersions(version, currentVersion) < 0) {
      if (options.outOfOrder) {
        files.push({ ...base, status: 'pending', appliedChecksum: null, installedAt: null, outOfOrder: true });
        steps.push(file);
      } else {
        files.push({ ...base, status: 'out-of-order', appliedChecksum: null, installedAt: null, outOfOrder: true });
        issues.push({
          code: 'DBA_MIGRATION_OUT_OF_ORDER',
          script: file.script,
          message: `${file.script} is pending but version ${currentVersion} is already applied`,
          details: { version, currentVersion },
        });
      }
    } else {
      files.push({ ...base, status: 'pending', appliedChecksum: null, installedAt: null });
      steps.push(file);
    }
  }

  const seenDescriptions = new Set<string>();
  for (const file of set.repeatable) {
    seenDescriptions.add(file.description);
    const row = latestByDescription.get(file.description);
    const base = { script: file.script, kind: file.kind, version: null, description: file.description, checksum: file.checksum, outOfOrder: false };
    if (row && !row.success) {
      files.push({ ...base, status: 'failed', appliedChecksum: row.checksum, installedAt: row.installedAt });
      issues.push({
        code: 'DBA_MIGRATION_PREVIOUSLY_FAILED',
        script: file.script,
        message: `${file.script} failed part-way on ${row.installedAt}; clean up and run repair`,
        details: { installedAt: row.installedAt },
      });
    } else if (row && row.checksum === file.checksum) {
      files.push({ ...base, status: 'applied', appliedChecksum: row.checksum, installedAt: row.installedAt });
    } else {
      files.push({ ...base, status: row ? 'outdated' : 'pending', appliedChecksum: row?.checksum ?? null, installedAt: row?.installedAt ?? null });
      steps.push(file);
    }
  }

  for (const file of set.undo) {
    files.push({
      script: file.script,
      kind: 'undo',
      version: file.version,
      description: file.description,
      status: 'available',
      checksum: file.checksum,
      appliedChecksum: null,
      installedAt: null,
      outOfOrder: false,
    });
  }

  // A failed record whose V file is gone blocks the run too: nothing else would show it.
  for (const [key, row] of latestByVersion) {
    if (row.success || seenVersions.has(key)) continue;
    files.push({
      script: row.script,
      kind: row.type === 'undo' ? 'undo' : 'versioned',
      version: row.version,
      description: row.description,
      status: 'failed',
      checksum: null,
      appliedChecksum: row.checksum,
      installedAt: row.installedAt,
      outOfOrder: false,
    });
    issues.push(failedIssue(row.script, row));
  }

  const missing = [
    ...[...latestByVersion].filter(([key, row]) => row.type === 'versioned' && row.success && !seenVersions.has(key)).map(([, row]) => row),
    ...[...latestByDescription].filter(([description, row]) => row.success && !seenDescriptions.has(description)).map(([, row]) => row),
  ];
  for (const row of missing) {
    files.push({
      script: row.script,
      kind: row.type === 'repeatable' ? 'repeatable' : 'versioned',
      version: row.version,
      description: row.description,
      status: 'missing',
      checksum: null,
      appliedChecksum: row.checksum,
      installedAt: row.installedAt,
      outOfOrder: false,
    });
    if (!options.allowMissing) {
      issues.push({
        code: 'DBA_MIGRATION_MISSING',
        script: row.script,
        message: `${row.script} is recorded as applied on ${row.installedAt} but the file is gone`,
        details: { version: row.version },
      });
    }
  }
  return { files, steps, issues, baselineVersion, currentVersion };
}

/** The issue a failed history row raises: the latest row of a version (or repeatable) says it stopped part-way. */
function failedIssue(script: string, row: HistoryRow): PlanIssue {
  const what = row.type === 'undo' ? `undo ${row.script} (of version ${row.version ?? '?'})` : row.script;
  return {
    code: 'DBA_MIGRATION_PREVIOUSLY_FAILED',
    script,
    message: `${what} failed part-way on ${row.installedAt}; clean up and run repair`,
    details: { version: row.version, type: row.type, failedScript: row.script, installedAt: row.installedAt },
  };
}
