import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DbarchError } from '../errors/DbarchError.ts';

/** How to reach Temporal: an existing cluster (TEMPORAL_ADDRESS) or the embedded dev server. */
export type TemporalSettings = ExternalTemporal | EmbeddedTemporal;

export interface ExternalTemporal {
  readonly kind: 'external';
  readonly address: string;
  readonly namespace: string;
  readonly tls?: { clientCertPair?: { crt: Buffer; key: Buffer }; serverRootCACertificate?: Buffer; serverNameOverride?: string };
  readonly apiKey?: string;
  /** Where people look at workflows, when known (TEMPORAL_UI_URL). */
  readonly uiUrl?: string;
}

export interface EmbeddedTemporal {
  readonly kind: 'embedded';
  readonly namespace: string;
  readonly ip: string;
  /** gRPC port; undefined picks a free one (tests). */
  readonly port?: number;
  /** Web UI port; undefined turns the UI off. */
  readonly uiPort?: number;
  /** SQLite file that keeps history across restarts; undefined keeps it in memory. */
  readonly dbFile?: string;
}

export const temporalDefaults = { namespace: 'default', ip: '127.0.0.1', port: 7233, uiPort: 8233 } as const;

/** Reads the settings from the environment (see the configuration table in the README). */
export function temporalSettingsFromEnv(env: NodeJS.ProcessEnv, stateDirectory: string): TemporalSettings {
  const namespace = env.TEMPORAL_NAMESPACE || temporalDefaults.namespace;
  if (env.TEMPORAL_ADDRESS) {
    const certPath = env.TEMPORAL_TLS_CERT;
    const keyPath = env.TEMPORAL_TLS_KEY;
    if (Boolean(certPath) !== Boolean(keyPath)) {
      throw new DbarchError('DBA_CONFIG_INVALID', 'TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY must be set together (mTLS needs both).');
    }
    const wantsTls = Boolean(certPath || env.TEMPORAL_TLS_CA || env.TEMPORAL_API_KEY || env.TEMPORAL_TLS === 'true');
    return {
      kind: 'external',
      address: env.TEMPORAL_ADDRESS,
      namespace,
      apiKey: env.TEMPORAL_API_KEY || undefined,
      uiUrl: env.TEMPORAL_UI_URL || undefined,
      tls: wantsTls
        ? {
            clientCertPair: certPath && keyPath ? { crt: readSetting('TEMPORAL_TLS_CERT', certPath), key: readSetting('TEMPORAL_TLS_KEY', keyPath) } : undefined,
            serverRootCACertificate: env.TEMPORAL_TLS_CA ? readSetting('TEMPORAL_TLS_CA', env.TEMPORAL_TLS_CA) : undefined,
            serverNameOverride: env.TEMPORAL_TLS_SERVER_NAME || undefined,
          }
        : undefined,
    };
  }
  return {
    kind: 'embedded',
    namespace,
    ip: env.DBARCH_TEMPORAL_IP || temporalDefaults.ip,
    port: portSetting(env, 'DBARCH_TEMPORAL_PORT', temporalDefaults.port),
    uiPort: portSetting(env, 'DBARCH_TEMPORAL_UI_PORT', temporalDefaults.uiPort),
    dbFile: join(stateDirectory, 'temporal.sqlite'),
  };
}

function portSetting(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (!raw) return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new DbarchError('DBA_CONFIG_INVALID', `${name}=${raw} is not a TCP port (1-65535).`);
  }
  return port;
}

function readSetting(name: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new DbarchError('DBA_CONFIG_INVALID', `${name}=${path} cannot be read: ${(error as Error).message}`);
  }
}
