import pg from 'pg';

/**
 * Inserts into `app.orders` one row after another until stopped: the ongoing writes of a live service, for the
 * blue-green tests. `stop()` resolves with how many rows were written.
 */
export function startOrdersWriter(url: string): { stop(): Promise<number> } {
  let running = true;
  const client = new pg.Client({ connectionString: url });
  const done = (async () => {
    await client.connect();
    let written = 0;
    while (running) {
      await client.query(`INSERT INTO app.orders (customer_id, total) VALUES (1 + $1::int % 100, $1::int)`, [written]);
      written++;
    }
    await client.end();
    return written;
  })();
  return {
    stop() {
      running = false;
      return done;
    },
  };
}
