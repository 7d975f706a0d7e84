import { redactUrl } from '../../runtime/redactUrl.ts';

/** How to hand a connection to pg_dump, pg_restore or psql without its password on their command line. */
export interface LibpqChild {
  /** The connection URL without its password: safe in argv (readable by every local user through `ps`). */
  readonly url: string;
  /** Environment for the child: PGPASSWORD when the URL carried a password (else empty, so the worker's own applies). */
  readonly env: { readonly PGPASSWORD?: string };
  /** Removes the password (as written and URL-decoded) and any URL's password from tool output kept in errors. */
  readonly redact: (text: string) => string;
}

/**
 * Splits a connection URL (postgres:// or postgresql://, password in the userinfo or as `?password=`) into a
 * password-free URL for the child's argv and PGPASSWORD for its environment, which only the same user (and
 * root) can read in /proc. A keyword/value connection string (`host=… password=…`) is split the same way.
 */
export function libpqChildEnv(connection: string): LibpqChild {
  const { url, password } = /^postgres(ql)?:\/\//i.test(connection) ? splitUrl(connection) : splitKeywords(connection);
  const secrets = password ? [...new Set([password, encodeURIComponent(password), connectionPassword(connection)].filter((s): s is string => !!s))] : [];
  return {
    url,
    env: password ? { PGPASSWORD: password } : {},
    redact: (text) => redactUrls(secrets.reduce((out, secret) => out.split(secret).join('***'), text)),
  };
}

function splitUrl(connection: string): { url: string; password: string | null } {
  const parsed = new URL(connection);
  let password = parsed.password ? decodeURIComponent(parsed.password) : null;
  parsed.password = '';
  const fromQuery = parsed.searchParams.get('password');
  if (fromQuery !== null) {
    password ??= fromQuery;
    parsed.searchParams.delete('password');
  }
  return { url: parsed.toString(), password };
}

const keywordPassword = /(^|\s)password\s*=\s*('(?:[^'\\]|\\.)*'|[^\s']\S*)/;

function splitKeywords(connection: string): { url: string; password: string | null } {
  const match = keywordPassword.exec(connection);
  if (!match) return { url: connection, password: null };
  const raw = match[2] ?? '';
  const password = raw.startsWith("'") ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw;
  return { url: (connection.slice(0, match.index) + connection.slice(match.index + match[0].length)).trim(), password };
}

/** The password as it is written in the connection string (still URL-encoded), to scrub echoes of it too. */
function connectionPassword(connection: string): string | null {
  return /^[a-z]+:\/\/[^:/@]*:([^@]*)@/i.exec(connection)?.[1] ?? null;
}

/** Replaces the password of every postgres URL in a text by `***`. */
function redactUrls(text: string): string {
  return text.replace(/postgres(?:ql)?:\/\/[^\s'"]+/gi, (url) => redactUrl(url));
}
