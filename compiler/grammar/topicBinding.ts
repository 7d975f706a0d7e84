/**
 * RabbitMQ topic binding keys: dot-separated words where `*` matches exactly one word and `#` zero or more;
 * wildcards are only meaningful as whole words (`inventory.*`, not `inventory*`).
 */
export function topicBindingProblem(key: string): string | undefined {
  if (key === '') return undefined;
  for (const word of key.split('.')) {
    if (word === '') return 'has an empty word (two dots in a row, or a leading/trailing dot)';
    if (word !== '*' && word !== '#' && /[*#]/.test(word)) return `uses a wildcard inside the word "${word}"; \`*\` and \`#\` must stand alone between dots`;
  }
  return undefined;
}

export function topicMatches(pattern: string, routingKey: string): boolean {
  return matchWords(pattern.split('.'), 0, routingKey.split('.'), 0);
}

function matchWords(p: readonly string[], i: number, k: readonly string[], j: number): boolean {
  if (i === p.length) return j === k.length;
  const word = p[i];
  if (word === '#') {
    for (let skip = j; skip <= k.length; skip++) if (matchWords(p, i + 1, k, skip)) return true;
    return false;
  }
  if (j === k.length) return false;
  return (word === '*' || word === k[j]) && matchWords(p, i + 1, k, j + 1);
}
