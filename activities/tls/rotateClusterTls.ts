import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import pg from 'pg';
import { memberUrl } from '../../compiler/sections/clusters/memberUrl.ts';
import { DbarchError } from '../../errors/DbarchError.ts';
import { chownToServer } from '../cluster/chownToServer.ts';
import { ensureMemberDirectories } from '../cluster/ensureMemberDirectories.ts';
import { livePostmaster } from '../cluster/inspectMember.ts';
import type { ManagedCluster, ManagedMember } from '../cluster/ManagedCluster.ts';
import { memberPaths, type MemberPaths } from '../cluster/memberPaths.ts';
import { logTail } from '../cluster/waitForStreaming.ts';
import { writeMemberConfig } from '../cluster/writeMemberConfig.ts';
import { certificateDays, type ClusterTls } from './ClusterTls.ts';
import type { InternalCa } from './InternalCa.ts';
import { trustBundlePem } from './internalCaPem.ts';
import { issueCertificate } from './issueCertificate.ts';
import { loadInternalCa } from './loadInternalCa.ts';
import { memberOpenSslConfig, memberTlsFiles, memberTlsHba, memberTlsSettings, type MemberTlsFiles } from './memberTlsFiles.ts';
import { normaliseSerial, probeServerCertificate } from './probeServerCertificate.ts';
import { readMemberCertificate } from './readMemberCertificate.ts';

export type RotationReason = 'missing' | 'due' | 'ca-changed' | 'hosts-changed' | 'forced';

export interface MemberRotation {
  readonly member: string;
  readonly action: 'issued' | 'kept';
  readonly reason?: RotationReason;
  readonly serial: string;
  readonly notAfter: string;
  /** Whether the running server was told to reload (new connections get the new files; open ones are untouched). */
  readonly reloaded: boolean;
  /** The TLS 1.3 suites changed while the server ran: OpenSSL reads them at server start only. */
  readonly restartNeeded: boolean;
}

export interface TlsRotation {
  readonly cluster: string;
  readonly ca: { readonly subject: string; readonly serial: string; readonly notAfter: string; readonly created: boolean };
  readonly members: readonly MemberRotation[];
}

export interface RotateOptions {
  /** Reissue every certificate, due or not. */
  readonly force?: boolean;
  readonly now?: Date;
  /** How long a reloaded member gets to present its new certificate; default 15 s. */
  readonly reloadTimeoutMs?: number;
  readonly progress?: (message: string) => void;
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * `dbarch tls rotate`: gives every member of a managed cluster a server certificate of the internal CA (created
 * behind a file:// reference on first use) and the spec's TLS settings, idempotently. A certificate is reissued
 * when missing, `rotation_days` old, signed by another CA, or not naming the member's host. A running member is
 * reloaded (pg_reload_conf: established sessions keep their TLS state) and then probed until a new connection,
 * verified against the CA, is served the new certificate. Members not running yet only get their files, which
 * `cluster up` then picks up.
 */
export async function rotateClusterTls(cluster: ManagedCluster, tls: ClusterTls, options: RotateOptions = {}): Promise<TlsRotation> {
  const now = options.now ?? new Date();
  const progress = options.progress ?? (() => undefined);
  const { ca, created } = await loadInternalCa(tls.caReference, { name: tls.caName, create: true, ...(options.env === undefined ? {} : { env: options.env }) });
  if (created) progress(`created the internal CA ${ca.certificate.subject} behind ${tls.caReference}`);
  const members: MemberRotation[] = [];
  for (const member of cluster.members) {
    members.push(await rotateMember(cluster, member, tls, ca, now, options, progress));
  }
  return {
    cluster: cluster.name,
    ca: { subject: ca.certificate.subject, serial: ca.certificate.serialNumber, notAfter: ca.certificate.notAfter.toISOString(), created },
    members,
  };
}

async function rotateMember(cluster: ManagedCluster, member: ManagedMember, tls: ClusterTls, ca: InternalCa, now: Date, options: RotateOptions, progress: (m: string) => void): Promise<MemberRotation> {
  const paths = memberPaths(cluster, member);
  const files = memberTlsFiles(paths);
  ensureMemberDirectories(paths);
  mkdirSync(files.dir, { recursive: true, mode: 0o700 });
  chownToServer(files.dir);
  const current = await readMemberCertificate(files, ca);
  const hosts = [...new Set([member.host, 'localhost'])];
  const reason: RotationReason | undefined =
    current === undefined ? 'missing'
      : options.force === true ? 'forced'
        : !current.signedByCurrentCa ? 'ca-changed'
          : now.getTime() - current.notBefore.getTime() >= tls.rotationDays * 86_400_000 ? 'due'
            : !hosts.every((h) => current.hosts.includes(h)) ? 'hosts-changed'
              : undefined;
  let changed = false;
  let serial = current?.serial ?? '';
  let notAfter = current?.notAfter ?? now;
  if (reason !== undefined) {
    const issued = await issueCertificate(ca, { commonName: member.host, usage: 'server', hosts, days: certificateDays(tls), now });
    // The key first: a reload between the two renames fails to load the pair and keeps the previous context.
    writeOwned(files.key, issued.privateKeyPem);
    writeOwned(files.certificate, issued.certificatePem);
    serial = issued.serial;
    notAfter = issued.notAfter;
    changed = true;
    progress(`${member.name}: server certificate ${serial} issued (${reason}), valid until ${notAfter.toISOString()}`);
  }
  changed = writeIfChanged(files.trust, trustBundlePem(ca)) || changed;
  changed = writeIfChanged(files.settings, memberTlsSettings(tls, files)) || changed;
  changed = writeIfChanged(files.hba, memberTlsHba(tls)) || changed;
  const openSsl = memberOpenSslConfig(tls);
  const openSslChanged = openSsl === undefined ? removeIfPresent(files.openSsl) : writeIfChanged(files.openSsl, openSsl);
  const running = livePostmaster(paths.data) !== undefined;
  // PGDATA exists once the member was created: its dbarch.conf and pg_hba.conf then include the files.
  if (existsSync(paths.data)) writeMemberConfig(cluster, member, paths);
  let reloaded = false;
  if (running && (changed || openSslChanged)) {
    await reloadAndProbe(member, paths, files, serial, options.reloadTimeoutMs ?? 15_000);
    reloaded = true;
    progress(`${member.name}: reloaded; new connections are served certificate ${serial}`);
  }
  return { member: member.name, action: reason === undefined ? 'kept' : 'issued', ...(reason === undefined ? {} : { reason }), serial, notAfter: notAfter.toISOString(), reloaded, restartNeeded: running && openSslChanged };
}

async function reloadAndProbe(member: ManagedMember, paths: MemberPaths, files: MemberTlsFiles, serial: string, timeoutMs: number): Promise<void> {
  const client = new pg.Client({ connectionString: memberUrl(member), connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT pg_reload_conf()');
  } catch (cause) {
    throw new DbarchError('DBA_TLS_RELOAD_FAILED', `${member.name}: pg_reload_conf failed: ${(cause as Error).message}`, { cause, details: { member: member.name } });
  } finally {
    await client.end().catch(() => undefined);
  }
  // The postmaster reloads on SIGHUP, a moment after pg_reload_conf returns; a pair it cannot load is logged and
  // the previous one kept, so the probe would never see the new serial.
  const want = normaliseSerial(serial);
  const trust = readFileSync(files.trust, 'utf8');
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    try {
      const served = await probeServerCertificate(member.host, member.port, trust);
      if (served.serial === want) return;
      last = `served certificate ${served.serial}`;
    } catch (error) {
      last = (error as Error).message;
    }
    if (Date.now() > deadline) {
      throw new DbarchError('DBA_TLS_RELOAD_FAILED', `${member.name} still does not present certificate ${serial} ${timeoutMs} ms after the reload (${last})\n${logTail(paths.logFile)}`, { details: { member: member.name, serial } });
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Written beside and renamed over, so a reload never reads half a file; owned by the server's user, 0600. */
function writeOwned(file: string, text: string): void {
  writeFileSync(`${file}.new`, text, { mode: 0o600 });
  chownToServer(`${file}.new`);
  renameSync(`${file}.new`, file);
}

function writeIfChanged(file: string, text: string): boolean {
  if (existsSync(file) && readFileSync(file, 'utf8') === text) return false;
  writeOwned(file, text);
  return true;
}

function removeIfPresent(file: string): boolean {
  if (!existsSync(file)) return false;
  rmSync(file);
  return true;
}
