import path from 'node:path';
import type { Logger } from '../../runtime/logger.ts';
import type { AuditBatch } from './AuditBatch.ts';
import type { AuditClass } from './AuditClass.ts';
import type { AuditEvent } from './AuditEvent.ts';
import { noAuditProgress, noAuditTargetProgress, type AuditProgress, type AuditTargetProgress } from './AuditProgress.ts';
import type { AuditTarget } from './AuditTarget.ts';
import { takeAuditCollectorLock } from './auditCollectorLock.ts';
import { loadAuditCollectorState, saveAuditCollectorState, type AuditCollectorState } from './auditCollectorState.ts';
import { openAuditSpool, type AuditSpool } from './auditSpool.ts';
import { classifyLogRecord, type JsonLogRecord } from './classifyLogRecord.ts';
import { readLogBatch } from './readLogBatch.ts';
import { abortableDelay } from '../abortableDelay.ts';

export interface AuditSource {
  readonly member: string;
  /** The member's jsonlog directory (auditServerSettings' log_directory). */
  readonly logDirectory: string;
}

export interface CollectAuditOptions {
  readonly cluster: string;
  readonly sources: readonly AuditSource[];
  readonly classes: readonly AuditClass[];
  readonly targets: readonly AuditTarget[];
  /** State and spools; one directory per cluster, on the machine whose log files are read. */
  readonly directory: string;
  /** Per target; reading pauses while a spool holds more. */
  readonly spoolMaxBytes: number;
  /** Log bytes read per batch. Default 1 MiB. */
  readonly batchBytes?: number;
  /** Pause when nothing new was in the logs. Default 500 ms. */
  readonly pollIntervalMs?: number;
  /** First and longest pause before a failed target is tried again. Defaults 500 ms and 30 s. */
  readonly retryInitialMs?: number;
  readonly retryMaxMs?: number;
  /** Returns after this long (the workflow continues), or when `signal` aborts. */
  readonly runForMs: number;
}

export interface CollectAuditContext {
  readonly signal: AbortSignal;
  readonly heartbeat: (progress: AuditProgress) => void;
  readonly log: Logger;
}

/**
 * Tails the members' jsonlog files, turns audit records into events and ships them to every target, losing and
 * duplicating nothing across crashes: a batch is written to every target's spool before the log position past it
 * is saved (state.json, renamed into place), and leaves a spool only after its target acknowledged it. A restart
 * drops spooled batches the state never committed and reads their records again. A target that fails is retried
 * with exponential backoff while the others go on; when a spool is full, reading pauses (the server log is the
 * buffer then), so a long outage costs disk only up to the bound. The one duplicate left: a batch in flight when
 * the collector is killed (sent, acknowledgement not yet recorded by removing its spool file) is sent again: S3 puts
 * it under the same key if absent, so nothing doubles there; HEC has no idempotent write, so that one batch can
 * arrive twice there, its events with the same `audit_id`.
 */
export async function collectAudit(options: CollectAuditOptions, context: CollectAuditContext): Promise<AuditProgress> {
  const release = await takeAuditCollectorLock(options.directory);
  try {
    return await collectLocked(options, context);
  } finally {
    await release();
  }
}

async function collectLocked(options: CollectAuditOptions, context: CollectAuditContext): Promise<AuditProgress> {
  const deadline = Date.now() + options.runForMs;
  const classes = new Set(options.classes);
  const saved = await loadAuditCollectorState(options.directory, options.cluster);
  let state: AuditCollectorState = saved === undefined
    ? { version: 1, cluster: options.cluster, nextSeq: 0, positions: {}, progress: noAuditProgress }
    : { ...saved, progress: { ...saved.progress, resumes: saved.progress.resumes + 1 } };
  const spools = new Map<string, AuditSpool>();
  for (const target of options.targets) spools.set(target.name, await openAuditSpool(path.join(options.directory, 'spool', target.name), state.nextSeq));
  const retry = new Map<string, { at: number; delay: number }>();
  const batchBytes = options.batchBytes ?? 1024 * 1024;

  const targetProgress = (name: string): AuditTargetProgress => state.progress.targets[name] ?? noAuditTargetProgress;
  const withTarget = (name: string, change: Partial<AuditTargetProgress>): AuditProgress => {
    const spool = spools.get(name);
    return {
      ...state.progress,
      targets: { ...state.progress.targets, [name]: { ...targetProgress(name), ...change, spooledBatches: spool?.batches ?? 0, spooledBytes: spool?.bytes ?? 0 } },
    };
  };
  const refreshSpoolCounters = () => {
    for (const target of options.targets) state = { ...state, progress: withTarget(target.name, {}) };
  };
  // Targets ship concurrently: saves go one after another, each writing the state as it is by then.
  let saving: Promise<void> = Promise.resolve();
  const persist = (): Promise<void> => (saving = saving.then(() => saveAuditCollectorState(options.directory, state)));
  refreshSpoolCounters();
  await persist();

  /** Reads one batch of each member's log into the spools; true when it read anything. */
  const readOnce = async (): Promise<boolean> => {
    let read = false;
    for (const source of options.sources) {
      if ([...spools.values()].some((spool) => spool.bytes >= options.spoolMaxBytes)) {
        if (!state.progress.backpressure) context.log.warn({ cluster: options.cluster }, 'audit spool full: reading pauses until the target takes batches');
        state = { ...state, progress: { ...state.progress, backpressure: true } };
        return read;
      }
      const position = state.positions[source.member];
      const batch = await readLogBatch(source.logDirectory, position, batchBytes);
      if (batch.next === undefined || (batch.lines.length === 0 && batch.skippedFiles.length === 0 && position !== undefined && batch.next.file === position.file && batch.next.offset === position.offset)) continue;
      const events: AuditEvent[] = [];
      for (const line of batch.lines) {
        let record: JsonLogRecord;
        try {
          record = JSON.parse(line.text) as JsonLogRecord;
        } catch {
          continue; // not a jsonlog record (a stray line); nothing to audit in it
        }
        const event = classifyLogRecord(record, classes, { cluster: options.cluster, member: source.member, id: `${source.member}/${batch.file}:${line.offset}` });
        if (event !== undefined) events.push(event);
      }
      let nextSeq = state.nextSeq;
      if (events.length > 0 && batch.file !== undefined && batch.start !== undefined) {
        const audit: AuditBatch = { seq: nextSeq, cluster: options.cluster, member: source.member, file: batch.file, offset: batch.start.offset, events };
        for (const spool of spools.values()) await spool.add(audit);
        nextSeq += 1;
      }
      const counts = { ...state.progress.events };
      for (const event of events) counts[event.class] = (counts[event.class] ?? 0) + 1;
      state = {
        ...state,
        nextSeq,
        positions: { ...state.positions, [source.member]: batch.next },
        progress: { ...state.progress, recordsRead: state.progress.recordsRead + batch.lines.length, events: counts, skippedFiles: state.progress.skippedFiles + batch.skippedFiles.length, backpressure: false },
      };
      refreshSpoolCounters();
      await persist();
      read = true;
    }
    return read;
  };

  /** Sends each target's spooled batches, oldest first, until its spool is empty or it fails. */
  const shipOnce = async (): Promise<void> => {
    await Promise.all(options.targets.map(async (target) => {
      const spool = spools.get(target.name)!;
      for (;;) {
        const pending = retry.get(target.name);
        if (pending !== undefined && pending.at > Date.now()) return;
        const batch = await spool.oldest();
        if (batch === undefined || context.signal.aborted) return;
        try {
          await target.send(batch, context.signal);
        } catch (error) {
          if (context.signal.aborted) return;
          const delay = pending === undefined ? (options.retryInitialMs ?? 500) : Math.min(pending.delay * 2, options.retryMaxMs ?? 30_000);
          retry.set(target.name, { at: Date.now() + delay, delay });
          const message = (error as Error).message;
          context.log.warn({ cluster: options.cluster, target: target.name, seq: batch.seq, retryInMs: delay, error: message }, 'audit batch not delivered; kept in the spool');
          state = { ...state, progress: withTarget(target.name, { failures: targetProgress(target.name).failures + 1, lastError: message }) };
          await persist();
          return;
        }
        retry.delete(target.name);
        await spool.remove(batch.seq);
        const before = targetProgress(target.name);
        state = { ...state, progress: withTarget(target.name, { shippedEvents: before.shippedEvents + batch.events.length, shippedBatches: before.shippedBatches + 1, lastError: null, lastShippedAt: new Date().toISOString() }) };
        await persist();
      }
    }));
  };

  while (!context.signal.aborted && Date.now() < deadline) {
    const read = await readOnce();
    await shipOnce();
    context.heartbeat(state.progress);
    if (read) continue;
    const nextRetry = Math.min(...[...retry.values()].map((r) => r.at));
    const wait = Math.max(0, Math.min(options.pollIntervalMs ?? 500, nextRetry - Date.now(), deadline - Date.now()));
    await abortableDelay(wait, context.signal);
  }
  return state.progress;
}
