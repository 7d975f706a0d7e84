export interface NestingLimits {
  /** Flow collection (`[`/`{`) nesting depth. */
  readonly maxFlowDepth: number;
  /** Block collection nesting depth: indentation levels plus compact `- - -` / `? ?` nesting on one line. */
  readonly maxBlockDepth: number;
}

export interface TooDeep {
  /** Offset of the first character past the limit. */
  readonly offset: number;
  readonly kind: 'flow' | 'block';
  readonly limit: number;
}

interface BlockNode {
  readonly column: number;
  /** `seq` for a `-` entry; `node` for anything else (a key, a scalar, an explicit `?`/`:` entry). */
  readonly kind: 'seq' | 'node';
}

/**
 * Where YAML nests deeper than the limits, checked before parsing. The yaml parser recurses once per nesting level
 * and overflows the stack near a thousand block levels; a few thousand flow levels build regular expressions that
 * abort the process instead of throwing. So both depths are measured here, in one pass, on the text itself:
 *
 * - flow depth counts `[`/`{` where a flow collection can start (so `a[1]` inside a plain scalar does not);
 * - block depth is a stack of the columns where nodes start: a line's indentation, then each compact indicator
 *   (`- `, `? `, `: `) on the same line, then its content. A `-` at the column of the key above it is that key's
 *   value, one level deeper; the same kind at the same column is a sibling.
 *
 * Quoted scalars (also over several lines), comments and block scalar bodies (`|`, `>`) are skipped. The estimate
 * may count a level too many for odd but valid layouts, never fewer than the parser's for the layouts it recurses on.
 */
export function nestingTooDeep(text: string, limits: NestingLimits): TooDeep | undefined {
  let flowDepth = 0;
  let quote: '"' | "'" | undefined;
  const stack: BlockNode[] = [];
  /** Set after a block scalar header: lines indented more than this (and blank lines) are its body. */
  let blockScalarIndent: number | undefined;

  let lineStart = 0;
  while (lineStart < text.length) {
    const newline = text.indexOf('\n', lineStart);
    const lineEnd = newline < 0 ? text.length : newline;
    const line = text.slice(lineStart, lineEnd).replace(/\r$/, '');
    const indent = /^ */.exec(line)?.[0].length ?? 0;
    const blank = /^\s*(#.*)?$/.test(line);
    let pos = 0;
    let nodes: BlockNode[] = [];

    if (blockScalarIndent !== undefined) {
      if (blank || indent > blockScalarIndent) {
        lineStart = lineEnd + 1;
        continue;
      }
      blockScalarIndent = undefined;
    }

    if (quote === undefined && flowDepth === 0 && !blank) {
      if (/^(---|\.\.\.)(\s|$)/.test(line)) {
        stack.length = 0;
        pos = 3;
      } else {
        const entries = lineNodes(line, indent, limits.maxBlockDepth);
        pos = entries.contentStart;
        nodes = entries.nodes;
        const first = nodes[0];
        if (first !== undefined) {
          while (stack.length > 0 && stack[stack.length - 1]!.column > first.column) stack.pop();
          const top = stack[stack.length - 1];
          // A `-` under a key at the same column is the key's value (deeper); anything else there is a sibling.
          if (top !== undefined && top.column === first.column && !(top.kind === 'node' && first.kind === 'seq')) stack.pop();
          for (const node of nodes) {
            stack.push(node);
            if (stack.length > limits.maxBlockDepth) return { offset: lineStart + node.column, kind: 'block', limit: limits.maxBlockDepth };
          }
        }
      }
    }

    // Characters of the line: quotes, comments and flow brackets.
    let contentEnd = line.length;
    for (let i = pos; i < line.length; i++) {
      const c = line[i]!;
      if (quote !== undefined) {
        if (c === '\\' && quote === '"') i++;
        else if (c === "'" && quote === "'" && line[i + 1] === "'") i++;
        else if (c === quote) quote = undefined;
        continue;
      }
      if (c === '#' && (i === 0 || isSpace(line[i - 1]))) {
        contentEnd = i;
        break;
      }
      if ((c === '"' || c === "'") && scalarCanStart(line, i, flowDepth)) {
        quote = c;
      } else if (c === '[' || c === '{') {
        if (flowDepth > 0 || scalarCanStart(line, i, flowDepth)) {
          flowDepth++;
          if (flowDepth > limits.maxFlowDepth) return { offset: lineStart + i, kind: 'flow', limit: limits.maxFlowDepth };
        }
      } else if ((c === ']' || c === '}') && flowDepth > 0) {
        flowDepth--;
      }
    }
    if (quote === undefined && flowDepth === 0 && endsWithBlockScalarHeader(line, contentEnd)) {
      // The body is what is indented more than the node owning the scalar: the key, or the `-` of `- |`.
      const last = nodes[nodes.length - 1];
      const scalarIsLast = last !== undefined && '|>&!'.includes(line[last.column] ?? '');
      blockScalarIndent = (scalarIsLast ? nodes[nodes.length - 2] : last)?.column ?? indent;
    }
    lineStart = lineEnd + 1;
  }
  return undefined;
}

/** The nodes a block line starts: its compact indicators (`- `, `? `, `: `) and then its content, by column. */
function lineNodes(line: string, indent: number, max: number): { nodes: BlockNode[]; contentStart: number } {
  const nodes: BlockNode[] = [];
  let pos = indent;
  while (nodes.length <= max) {
    const c = line[pos];
    if (!((c === '-' || c === '?' || c === ':') && (pos + 1 >= line.length || isSpace(line[pos + 1])))) break;
    nodes.push({ column: pos, kind: c === '-' ? 'seq' : 'node' });
    pos = skipSpaces(line, pos + 1);
    // Node properties (`&anchor`, `!tag`) may sit between indicators.
    while (line[pos] === '&' || line[pos] === '!') {
      let end = pos;
      while (end < line.length && !isSpace(line[end])) end++;
      if (end >= line.length) break;
      pos = skipSpaces(line, end);
    }
  }
  if (pos < line.length && line[pos] !== '#') nodes.push({ column: pos, kind: 'node' });
  return { nodes, contentStart: pos };
}

/** Whether a quote or bracket at `i` starts a scalar or collection rather than sitting inside a plain scalar. */
function scalarCanStart(line: string, i: number, flowDepth: number): boolean {
  let j = i - 1;
  while (j >= 0 && isSpace(line[j])) j--;
  if (j < 0) return true;
  const prev = line[j]!;
  if (flowDepth > 0 && '[{,:'.includes(prev)) return true;
  if (j === i - 1) return false;
  return prev === ':' || isIndicator(line, j) || isPropertyEnd(line, j);
}

/** Whether the content (up to `end`) finishes with a block scalar header: `key: |`, `- >-`, `&a |2+`, a lone `|`. */
function endsWithBlockScalarHeader(line: string, end: number): boolean {
  let j = end - 1;
  while (j >= 0 && isSpace(line[j])) j--;
  let k = j;
  while (k >= 0 && /[1-9+-]/.test(line[k]!) && j - k < 2) k--;
  if (k < 0 || (line[k] !== '|' && line[k] !== '>')) return false;
  let m = k - 1;
  while (m >= 0 && isSpace(line[m])) m--;
  if (m < 0) return true;
  if (m === k - 1) return false;
  return line[m] === ':' || isIndicator(line, m) || isPropertyEnd(line, m);
}

/** `-` or `?` at `j` standing alone (start of line or after a space). */
function isIndicator(line: string, j: number): boolean {
  return (line[j] === '-' || line[j] === '?') && (j === 0 || isSpace(line[j - 1]));
}

/** Whether the word ending at `j` is a node property (`&anchor` or `!tag`). */
function isPropertyEnd(line: string, j: number): boolean {
  let k = j;
  while (k >= 0 && !isSpace(line[k])) k--;
  return line[k + 1] === '&' || line[k + 1] === '!';
}

function skipSpaces(line: string, pos: number): number {
  let p = pos;
  while (p < line.length && isSpace(line[p])) p++;
  return p;
}

function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t';
}
