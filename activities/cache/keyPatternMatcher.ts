/**
 * A Redis-style key glob (`user:*`, `session:?`, `product:[ab]*`) as a matcher, the way cache_config's
 * `ttl_policies[].pattern` is written (and as `SCAN MATCH` reads it).
 */
export function keyPatternMatcher(pattern: string): (key: string) => boolean {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] ?? '';
    if (c === '*') source += '.*';
    else if (c === '?') source += '.';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) source += '\\[';
      else {
        source += `[${pattern.slice(i + 1, end).replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else if (c === '\\' && i + 1 < pattern.length) source += `\\${pattern[++i] ?? ''}`;
    else source += c.replace(/[.+^${}()|\\/]/g, '\\$&');
  }
  const regex = new RegExp(`^${source}$`, 's');
  return (key) => regex.test(key);
}
