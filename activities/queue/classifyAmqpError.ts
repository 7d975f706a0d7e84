/** What kind of failure an AMQP error is, by the reply code the broker sent (or the socket error code). */
export type AmqpErrorCategory = 'not_found' | 'precondition' | 'access' | 'command_invalid' | 'resource_locked' | 'connection' | 'other';

export interface AmqpErrorClass {
  /** The AMQP reply code (404, 406 …), or null for errors that never reached the broker. */
  readonly replyCode: number | null;
  readonly category: AmqpErrorCategory;
  /** Whether the same operation can succeed later without changing it. */
  readonly retryable: boolean;
}

/** AMQP 0-9-1 reply codes (the spec's constants) that decide the category. */
const byReplyCode: Readonly<Record<number, [AmqpErrorCategory, boolean]>> = {
  320: ['connection', true], // connection-forced: the broker is stopping (rabbitmqctl stop_app)
  403: ['access', false],
  404: ['not_found', false],
  405: ['resource_locked', true],
  406: ['precondition', false],
  501: ['connection', true], // frame-error
  503: ['command_invalid', false], // e.g. an exchange type the broker does not have
  504: ['connection', true], // channel-error
  505: ['connection', true], // unexpected-frame
  506: ['connection', true], // resource-error
  530: ['access', false], // not-allowed: a vhost the user may not open
  541: ['connection', true], // internal-error
};

const socketCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'EAI_AGAIN']);

/** Classifies an amqplib error by its reply code, never by its message text. */
export function classifyAmqpError(error: unknown): AmqpErrorClass {
  const code = typeof error === 'object' && error !== null && 'code' in error ? (error).code : undefined;
  if (typeof code === 'number') {
    const [category, retryable] = byReplyCode[code] ?? ['other', false];
    return { replyCode: code, category, retryable };
  }
  if (typeof code === 'string' && socketCodes.has(code)) return { replyCode: null, category: 'connection', retryable: true };
  // amqplib rejects pending operations of a closed channel or connection with an IllegalOperationError and no code.
  if (error instanceof Error && error.name === 'IllegalOperationError') return { replyCode: null, category: 'connection', retryable: true };
  return { replyCode: null, category: 'other', retryable: false };
}
