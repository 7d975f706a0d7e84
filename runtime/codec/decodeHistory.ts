import type { Payload, PayloadCodec } from '@temporalio/common';
import { defaultPayloadConverter } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';

type History = temporal.api.history.v1.IHistory;

/**
 * A fetched history with every payload run back through the codecs, in place, for readers that show history to
 * people (`dbarch history`): step inputs, results and approvals in clear, and each failure's message and stack
 * trace restored from its encoded attributes (encodedFailureConverter). The server's copy is untouched.
 */
export async function decodeHistory(history: History, codecs: readonly PayloadCodec[]): Promise<History> {
  if (codecs.length === 0) return history;
  const decode = async (payload: Payload): Promise<Payload> => {
    let decoded = [payload];
    for (const codec of [...codecs].reverse()) decoded = await codec.decode(decoded);
    return decoded[0] ?? payload;
  };
  // In place: the history's other objects (Longs, proto messages) keep their prototypes.
  const walk = async (value: unknown): Promise<void> => {
    if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return;
    const record = value as Record<string, unknown>;
    for (const [key, child] of Object.entries(record)) {
      if (child !== null && typeof child === 'object' && !(child instanceof Uint8Array) && isPayload(child as Record<string, unknown>)) record[key] = await decode(child);
      else await walk(child);
    }
    const encoded = record.encodedAttributes as Payload | null | undefined;
    if ('message' in record && encoded !== undefined && encoded !== null) {
      try {
        const attributes = defaultPayloadConverter.fromPayload<{ message?: string; stack_trace?: string }>(encoded);
        if (typeof attributes.message === 'string') record.message = attributes.message;
        if (typeof attributes.stack_trace === 'string') record.stackTrace = attributes.stack_trace;
      } catch {
        // not attributes this reader knows: left as they are
      }
    }
  };
  await walk(history);
  return history;
}

/** A Payload message: metadata of byte strings and data bytes (and nothing else a history object has both of). */
function isPayload(record: Record<string, unknown>): record is Record<string, unknown> & Payload {
  return 'metadata' in record && 'data' in record && typeof record.metadata === 'object' && record.metadata !== null && (record.data === null || record.data instanceof Uint8Array);
}
