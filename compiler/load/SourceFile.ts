import { isAlias, isMap, isNode, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';

/** Where a node sits in the text, as offsets; `key` is the mapping key that introduces the node, when there is one. */
interface NodeSpan {
  readonly key: number | undefined;
  readonly value: number;
}

export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

/**
 * One spec file as read: its text (for the caret under errors) and its YAML documents, with a map from JSON pointer
 * to position built on first use, because valid files never need one.
 */
export class SourceFile {
  readonly file: string;
  readonly text: string;
  private readonly lineCounter: LineCounter;
  private readonly documents: readonly Document.Parsed[];
  private readonly spans = new Map<number, Map<string, NodeSpan>>();

  constructor(file: string, text: string, lineCounter: LineCounter, documents: readonly Document.Parsed[]) {
    this.file = file;
    this.text = text;
    this.lineCounter = lineCounter;
    this.documents = documents;
  }

  position(offset: number): SourcePosition {
    const pos = this.lineCounter.linePos(Math.max(0, Math.min(offset, this.text.length)));
    return { line: pos.line, column: pos.col };
  }

  /**
   * The position of the node at `segments` (relative to the document root) in document `docIndex`; the nearest
   * ancestor that exists when the node does not (a missing key, a value produced by an alias or merge key).
   * `target: 'key'` prefers the key that introduces the node, for unknown-key and missing-key errors.
   */
  locate(docIndex: number, segments: readonly string[], target: 'key' | 'value'): SourcePosition {
    const spans = this.spansOf(docIndex);
    for (let n = segments.length; n >= 0; n--) {
      const span = spans.get(segments.slice(0, n).join('\u0000'));
      if (span === undefined) continue;
      const exact = n === segments.length;
      const offset = (exact && target === 'value') || span.key === undefined ? span.value : span.key;
      return this.position(offset);
    }
    return { line: 1, column: 1 };
  }

  private spansOf(docIndex: number): Map<string, NodeSpan> {
    let spans = this.spans.get(docIndex);
    if (spans === undefined) {
      spans = new Map();
      const doc = this.documents[docIndex];
      if (doc?.contents) walk(doc.contents, [], undefined, spans);
      this.spans.set(docIndex, spans);
    }
    return spans;
  }
}

/** Records every node by path. Aliases are not followed: an alias bomb must not expand here either. */
function walk(node: Node, path: string[], keyOffset: number | undefined, spans: Map<string, NodeSpan>): void {
  const valueOffset = node.range?.[0] ?? keyOffset ?? 0;
  spans.set(path.join('\u0000'), { key: keyOffset, value: valueOffset });
  if (isAlias(node) || isScalar(node)) return;
  if (isMap(node)) {
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const keyNode = pair.key;
      const keyText = isScalar(keyNode) ? String(keyNode.value) : undefined;
      if (keyText === undefined) continue;
      const kOffset = isScalar(keyNode) ? keyNode.range?.[0] : undefined;
      const value = pair.value;
      if (isNode(value)) walk(value, [...path, keyText], kOffset, spans);
      else spans.set([...path, keyText].join('\u0000'), { key: kOffset, value: kOffset ?? valueOffset });
    }
    return;
  }
  if (isSeq(node)) {
    node.items.forEach((item, index) => {
      if (isNode(item)) walk(item, [...path, String(index)], undefined, spans);
    });
  }
}
