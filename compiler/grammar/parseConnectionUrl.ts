import { grammarFail, grammarOk, type GrammarResult } from './GrammarResult.ts';
import { containsEnvReference, wholeEnvReference } from './envReference.ts';
import { urlPasswordProblem } from './inlineSecret.ts';

export type ConnectionService = 'postgres' | 'redis' | 'amqp';

const schemes: Readonly<Record<ConnectionService, readonly string[]>> = {
  postgres: ['postgres', 'postgresql'],
  redis: ['redis', 'rediss'],
  amqp: ['amqp', 'amqps'],
};

const examples: Readonly<Record<ConnectionService, string>> = {
  postgres: '${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/app}',
  redis: '${REDIS_URL:-redis://127.0.0.1:6379}',
  amqp: '${AMQP_URL:-amqp://guest:guest@127.0.0.1:5672}',
};

/**
 * Connection references: normally an env reference with a local default (`${DATABASE_URL:-postgres://…}`). A
 * literal URL is accepted when it holds no password (neither `user:password@` nor `?password=`); a password
 * belongs in the environment, so only a reference's default for a loopback host (a local development value such
 * as `amqp://guest:guest@127.0.0.1:5672`) may carry one.
 */
export function parseConnectionUrl(text: string, service: ConnectionService): GrammarResult<string> {
  const env = wholeEnvReference(text);
  if (env !== undefined) {
    if (env.default === undefined || env.default === '') return grammarOk(text);
    const inner = checkUrl(env.default, service, env.name);
    return inner.ok ? grammarOk(text) : inner;
  }
  if (containsEnvReference(text)) return grammarOk(text);
  return checkUrl(text, service, undefined);
}

/** `reference`: the variable whose default `text` is, or undefined for a literal URL. */
function checkUrl(text: string, service: ConnectionService, reference: string | undefined): GrammarResult<string> {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return grammarFail('DBA_SPEC_CONNECTION_URL', `"${text}" is not a URL`, `write e.g. \`${examples[service]}\``);
  }
  const scheme = url.protocol.replace(/:$/, '');
  if (!schemes[service].includes(scheme)) {
    return grammarFail('DBA_SPEC_CONNECTION_URL', `a ${service} connection needs a ${schemes[service].map((s) => `${s}://`).join(' or ')} URL, not ${scheme}://`, `write e.g. \`${examples[service]}\``);
  }
  if (url.hostname === '' && !url.searchParams.has('host')) {
    return grammarFail('DBA_SPEC_CONNECTION_URL', `connection URL "${text}" names no host`, `write e.g. \`${examples[service]}\``);
  }
  const secret = urlPasswordProblem(text, reference);
  if (secret !== undefined) {
    return grammarFail('DBA_SPEC_INLINE_SECRET', reference === undefined ? `connection ${secret.message}` : secret.message, reference === undefined ? `put the URL in the environment: \`${examples[service]}\`` : secret.hint);
  }
  return grammarOk(text);
}
