import { existsSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseSecretReference } from '../../compiler/grammar/parseSecretReference.ts';
import { DbarchError, isDbarchError } from '../../errors/DbarchError.ts';
import { readSecret } from '../keys/readSecret.ts';
import { createInternalCa } from './createInternalCa.ts';
import type { InternalCa } from './InternalCa.ts';
import { internalCaPem } from './internalCaPem.ts';
import { parseInternalCa } from './parseInternalCa.ts';

export interface LoadCaOptions {
  /** Common name of a CA created here. */
  readonly name: string;
  /** Create the CA when a `file://` reference names no file yet (the first `tls rotate`); default false. */
  readonly create?: boolean;
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * The internal CA behind its reference. dbarch creates it only behind a `file://` reference (0600, never
 * overwritten: written exclusively, so two rotations racing agree on the first); an `${ENV}` reference is filled by
 * the operator with `dbarch tls init-ca`.
 */
export async function loadInternalCa(reference: string, options: LoadCaOptions): Promise<{ ca: InternalCa; created: boolean }> {
  const file = caFile(reference);
  if (file !== undefined && options.create === true && !existsSync(file)) {
    const ca = await createInternalCa({ name: options.name });
    await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    const written = await writeFile(file, await internalCaPem(ca), { mode: 0o600, flag: 'wx' }).then(() => true, (error: NodeJS.ErrnoException) => {
      if (error.code === 'EEXIST') return false;
      throw new DbarchError('DBA_TLS_CA_MISSING', `cannot write the internal CA to ${file}: ${error.message}`, { cause: error });
    });
    if (written) return { ca, created: true };
  }
  const text = await readSecret(reference, options.env ?? process.env).catch((cause: unknown) => {
    if (!isDbarchError(cause) || cause.code !== 'DBA_SECRET_UNAVAILABLE') throw cause;
    throw new DbarchError('DBA_TLS_CA_MISSING', `the internal CA: ${cause.message}`, { cause, details: cause.details });
  });
  return { ca: await parseInternalCa(text), created: false };
}

/** Replaces the CA behind a `file://` reference by a new one that still trusts the old (CA rotation). */
export async function replaceInternalCa(reference: string, current: InternalCa, name: string): Promise<InternalCa> {
  const file = caFile(reference);
  if (file === undefined) throw new DbarchError('DBA_TLS_CA_MISSING', `dbarch can replace the internal CA only behind a file:// reference, not ${reference}`, { hint: 'Make the new CA with `dbarch tls init-ca`, append the old CA certificate to it (so what it signed stays trusted) and store that where the reference points.' });
  const ca = await createInternalCa({ name, replaces: current });
  await writeFile(`${file}.new`, await internalCaPem(ca), { mode: 0o600 });
  await rename(`${file}.new`, file);
  return ca;
}

function caFile(reference: string): string | undefined {
  const parsed = parseSecretReference(reference);
  return parsed.ok && parsed.value.kind === 'provider' && parsed.value.provider === 'file' ? fileURLToPath(parsed.value.url) : undefined;
}
