/** The closest candidate to a misspelt word, or undefined when nothing is close enough to be a plausible typo. */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  const lower = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  // Allow about one edit per three characters: `conection_pool` finds `connection_pool`, `foo` finds nothing.
  const limit = Math.max(1, Math.floor(Math.max(word.length, 1) / 3));
  return best !== undefined && bestDistance <= limit ? best : undefined;
}

/** `did you mean \`x\`?` text, or a list of the accepted values when there is no close match. */
export function suggestionHint(word: string, candidates: readonly string[], listLimit = 12): string {
  const match = didYouMean(word, candidates);
  if (match !== undefined) return `did you mean \`${match}\`?`;
  const shown = candidates.slice(0, listLimit).map((c) => `\`${c}\``);
  const more = candidates.length > listLimit ? `, … (${candidates.length - listLimit} more)` : '';
  return `expected one of ${shown.join(', ')}${more}`;
}

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions, which are common typos). */
function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > 8) return Math.abs(a.length - b.length);
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array<number>(rows * cols).fill(0);
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[(i - 1) * cols + j]! + 1, d[i * cols + j - 1]! + 1, d[(i - 1) * cols + j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[(i - 2) * cols + j - 2]! + 1);
      d[i * cols + j] = v;
    }
  }
  return d[rows * cols - 1]!;
}
