import { parseInterpolation } from './envReference.ts';
import { isLoopbackHost } from './loopbackHost.ts';
import { urlPasswords } from './urlPasswords.ts';

export interface InlineSecretProblem {
  readonly message: string;
  readonly hint: string;
}

/** Stands where an env reference was, so that what is left is exactly what would be committed. */
const placeholder = '\uE000';

/**
 * The first secret written into a string value, whatever its key: a password in a URL (userinfo or a query
 * parameter such as `password`, `sslpassword`, `access_token`), an HTTP credential (`Bearer …`, `Basic …`,
 * `token …`, also inside `Authorization: …`), or a Slack/Discord/Teams webhook URL with its token path.
 * Env references are not secrets; their defaults are committed text, so they are checked too, and may carry a
 * password only in a URL whose hosts are all loopback (a local development value like
 * `${AMQP_URL:-amqp://guest:guest@127.0.0.1:5672}`).
 */
export function inlineSecretInValue(text: string): InlineSecretProblem | undefined {
  const parsed = parseInterpolation(text);
  const parts = parsed.ok ? parsed.value : [{ kind: 'text' as const, text }];
  const literal = parts.map((p) => (p.kind === 'text' ? p.text : placeholder)).join('');
  const inLiteral = urlPasswordProblem(literal, undefined) ?? credentialProblem(literal, undefined);
  if (inLiteral !== undefined) return inLiteral;
  for (const part of parts) {
    if (part.kind !== 'env' || part.default === undefined || part.default === '') continue;
    const inDefault = urlPasswordProblem(part.default, part.name) ?? credentialProblem(part.default, part.name);
    if (inDefault !== undefined) return inDefault;
  }
  return undefined;
}

/**
 * A password in a URL of `text`. In literal text (`reference` undefined) any password is inline; in the default
 * of `${reference:-…}` only one for a host that is not loopback.
 */
export function urlPasswordProblem(text: string, reference: string | undefined): InlineSecretProblem | undefined {
  for (const found of urlPasswords(text, placeholder)) {
    const what = found.where === 'userinfo' ? 'in its user info (`user:password@`)' : `in its \`${found.where}\` query parameter`;
    if (reference === undefined) {
      return {
        message: `URL carries a password ${what}`,
        hint: 'put the URL in the environment and write `${NAME}`, or `${NAME:-url-without-password}` with a local default',
      };
    }
    if (found.hosts.length > 0 && found.hosts.every(isLoopbackHost)) continue;
    const hosts = found.hosts.length === 0 ? 'no host (a default socket)' : found.hosts.join(', ');
    return {
      message: `the default of \${${reference}} is a URL for ${hosts} carrying a password ${what}; only a default for a loopback host (localhost, 127.0.0.0/8, ::1) may carry one`,
      hint: `remove the password from the default (\`\${${reference}:-scheme://user@host/…}\`) and keep the real URL in ${reference}`,
    };
  }
  return undefined;
}

const webhooks: readonly { readonly name: string; readonly pattern: RegExp }[] = [
  { name: 'Slack', pattern: /hooks\.slack(-gov)?\.com\/services\/[^\s/\uE000]+\/[^\s/\uE000]+\/[^\s/?#\uE000]+/i },
  { name: 'Slack', pattern: /hooks\.slack(-gov)?\.com\/(workflows|triggers)\/[^\s/\uE000]+\/[^\s/\uE000]+/i },
  { name: 'Discord', pattern: /discord(app)?\.com\/api\/(v\d+\/)?webhooks\/[^\s/\uE000]+\/[^\s/?#\uE000]+/i },
  { name: 'Microsoft Teams', pattern: /\.webhook\.office\.com\/webhookb2\/[^\s/\uE000]+\/IncomingWebhook\/[^\s/\uE000]+/i },
];

/** `Bearer abc123`, `Basic dXNlcjpwYXNz`, `token ghp_…` as the whole value, or after `Authorization:` anywhere. */
const wholeCredential = /^\s*(bearer|basic|token)\s+([^\s\uE000]+)\s*$/i;
const headerCredential = /\b(?:proxy-)?authorization\s*[:=]\s*["']?(bearer|basic|token)\s+([^\s"'\uE000]+)/i;

function credentialProblem(text: string, reference: string | undefined): InlineSecretProblem | undefined {
  const subject = reference === undefined ? 'value' : `the default of \${${reference}}`;
  const credential = wholeCredential.exec(text) ?? headerCredential.exec(text);
  // A credential is a token, not a word: `Basic authentication` or `token expiry` is prose.
  if (credential !== null && !/^[A-Za-z][a-z]*$/.test(credential[2]!)) {
    const scheme = credential[1]!;
    return {
      message: `${subject} holds an inline \`${scheme}\` credential (an HTTP Authorization value)`,
      hint: `write \`${scheme} \${TOKEN_ENV}\` with the credential in the environment, or a secret reference`,
    };
  }
  for (const webhook of webhooks) {
    if (webhook.pattern.test(text)) {
      return {
        message: `${subject} holds a ${webhook.name} webhook URL with its secret token path`,
        hint: 'the webhook URL is the credential: keep it in the environment and write `${WEBHOOK_URL}`',
      };
    }
  }
  return undefined;
}
