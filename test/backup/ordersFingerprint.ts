import { query } from '../support/postgres.ts';

export interface OrdersFingerprint {
  readonly n: number;
  readonly digest: string;
}

/** The orders table's row count and digest of every row: what a restored cluster must give back unchanged. */
export async function ordersFingerprint(url: string): Promise<OrdersFingerprint> {
  const [row] = await query<{ n: number; digest: string }>(url, "SELECT count(*)::int AS n, md5(string_agg(id::text || payload, ',' ORDER BY id)) AS digest FROM orders");
  return row!;
}
