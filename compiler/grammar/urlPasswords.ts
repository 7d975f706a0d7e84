import { isSecretKey } from './secretKey.ts';

/** A password found in a URL: in its userinfo (`user:password@`) or in a secret-named query parameter. */
export interface UrlPassword {
  readonly url: string;
  /** `userinfo`, or the query parameter (`password`, `sslpassword`, `access_token` …). */
  readonly where: string;
  /** The hosts the URL connects to: its authority (several for `h1,h2`) and any `host`/`hostaddr` parameters. */
  readonly hosts: readonly string[];
}

const urlPattern = /[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`]+/gi;

/**
 * Every password written into a URL anywhere in `text`. `placeholder` marks where an env reference stood (the
 * caller replaces references by it): a password that is only references is not inline.
 */
export function urlPasswords(text: string, placeholder = '\uE000'): UrlPassword[] {
  const found: UrlPassword[] = [];
  const literal = (value: string) => value.split(placeholder).join('') !== '';
  for (const match of text.matchAll(urlPattern)) {
    const url = match[0];
    const rest = url.slice(url.indexOf('://') + 3);
    const authorityEnd = rest.search(/[/?#]/);
    const authority = authorityEnd < 0 ? rest : rest.slice(0, authorityEnd);
    const at = authority.lastIndexOf('@');
    const userinfo = at < 0 ? '' : authority.slice(0, at);
    const hostPart = at < 0 ? authority : authority.slice(at + 1);
    const query = /\?([^#]*)/.exec(rest.slice(Math.max(0, authorityEnd)))?.[1] ?? '';
    const params = query.split('&').filter((p) => p !== '').map((p) => {
      const eq = p.indexOf('=');
      return { name: decode(eq < 0 ? p : p.slice(0, eq)), value: eq < 0 ? '' : p.slice(eq + 1) };
    });
    const hosts = [
      ...hostPart.split(',').map(stripPort),
      ...params.filter((p) => /^host(addr)?$/i.test(p.name)).flatMap((p) => decode(p.value).split(',')),
    ].filter((h) => h !== '');
    const colon = userinfo.indexOf(':');
    if (colon >= 0 && literal(userinfo.slice(colon + 1))) found.push({ url, where: 'userinfo', hosts });
    for (const p of params) {
      if (isSecretKey(p.name) && literal(p.value)) found.push({ url, where: p.name, hosts });
    }
  }
  return found;
}

function stripPort(host: string): string {
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1);
  return host.replace(/:\d*$/, '');
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}
