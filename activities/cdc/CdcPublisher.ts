import type { ChangeEvent } from './ChangeEvent.ts';

/** One change ready to go out: where, its id, its headers, its body. */
export interface CdcMessage {
  readonly topic: string;
  readonly messageId: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly event: ChangeEvent;
}

/** Publishes change events; each promise settles when the broker confirmed (or refused) that message. */
export interface CdcPublisher {
  publish(message: CdcMessage): Promise<void>;
  /** Rejects when the broker connection is lost, so the stream stops at once instead of waiting for confirms. */
  readonly broken: Promise<never>;
  close(): Promise<void>;
}
