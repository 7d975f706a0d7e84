import { grammarFail, grammarOk, type GrammarResult } from './GrammarResult.ts';
import { containsEnvReference, wholeEnvReference } from './envReference.ts';

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
 * literal URL is accepted when it holds no password; a password belongs in the environment, so only a
 * reference's default (a local development value) may carry one.
 */
export function parseConnectionUrl(text: string, service: ConnectionService): GrammarResult<string> {
  const env = wholeEnvReference(text);
  if (env !== undefined) {
    if (env.default === undefined || env.default === '') return grammarOk(text);
    const inner = checkUrl(env.default, service, true);
    return inner.ok ? grammarOk(text) : inner;
  }
  if (containsEnvReference(text)) return grammarOk(text);
  return checkUrl(text, service, false);
}

function checkUrl(text: string, service: ConnectionService, isDefault: boolean): GrammarResult<string> {
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
  if (url.password !== '' && !isDefault) {
    return grammarFail('DBA_SPEC_INLINE_SECRET', 'connection URL carries an inline password', `put the URL in the environment: \`${examples[service]}\``);
  }
  return grammarOk(text);
}
