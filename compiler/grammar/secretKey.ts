/**
 * Which keys hold secrets, in any section (plugin sections, step inputs and header maps included). The key is
 * compared in lower case with `_`, `-`, `.` and spaces removed, so `adminPassword`, `PGPASSWORD`, `db_pass`,
 * `client-secret`, `Private.Key` and `X-Api-Key` all count, while keys that only start with such a word
 * (`password_rotation_days`, `tokenizer`, `secret_name`) do not: the secret word must end the key.
 *
 * - passwords: `…password`, `…passwd`, `…pass` (not `bypass`/`compass`), `…pwd`, `…passphrase`;
 * - `…secret`, `…secretkey`, `…secretaccesskey`; `…token`; `…apikey`; `…credential(s)`;
 * - key material: `…privatekey`, `…signingkey`, `…encryptionkey`, `…accesskey`, `…masterkey`;
 * - `…authorization` (an HTTP header value: see `authorizationKey`).
 */
const secretWord = /((?<!by|com)pass|password|passwd|pwd|passphrase|secret|secretkey|secretaccesskey|token|apikey|credentials?|(private|signing|encryption|access|master)key|authorization)$/;

export function normalizedKey(key: string): string {
  return key.toLowerCase().replace(/[\s_.-]/g, '');
}

export function isSecretKey(key: string): boolean {
  return secretWord.test(normalizedKey(key));
}

/** `Authorization`, `Proxy-Authorization`: the value may be `<scheme> ${NAME}` (`Bearer ${SLACK_TOKEN}`). */
export function isAuthorizationKey(key: string): boolean {
  return normalizedKey(key).endsWith('authorization');
}
