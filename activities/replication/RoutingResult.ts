import type { Color } from './routingTables.ts';

export interface RoutingResult {
  readonly service: string;
  readonly database: string;
  readonly activeColor: Color;
  /** The colour active before this step (equal to activeColor when nothing changed). */
  readonly previousColor: Color;
  /** The routing row's version after the step; pass it to revertRouting to undo this switch. */
  readonly version: number;
  /** False when the routing already was as asked: nothing was written and no one was notified. */
  readonly changed: boolean;
}
