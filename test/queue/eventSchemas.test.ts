import { expect } from 'chai';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { compileSpec } from '../../compiler/compileSpec.ts';
import { outbox } from '../../gateway/outbox/outbox.ts';
import { expectCode } from '../migrations/expectCode.ts';
import { freshDatabase, type TestDatabase } from '../support/postgres.ts';

const v1 = { type: 'object', required: ['orderId', 'total'], properties: { orderId: { type: 'integer' }, total: { type: 'number' }, note: { type: 'string' } } };

/** A spec whose outbox names a schemas folder holding `files`; returns the spec's path and the folder. */
function specWithSchemas(files: Record<string, unknown>): { spec: string; dir: string } {
  const root = mkdtempSync(join(tmpdir(), 'dbarch-schemas-'));
  const dir = join(root, 'events');
  mkdirSync(dir);
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
  const spec = join(root, 'spec.yaml');
  writeFileSync(
    spec,
    `queue_config:
  provider: rabbitmq
  exchanges:
    - name: events
      type: topic
  outbox:
    exchange: events
    events: [order.placed]
    schemas: ./events
`,
  );
  return { spec, dir };
}

describe('the event schema registry', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  before(async () => {
    db = await freshDatabase('event_schemas');
    await outbox.migrate(db.url);
    pool = new pg.Pool({ connectionString: db.url, max: 2 });
    await pool.query('CREATE TABLE orders (id int PRIMARY KEY)');
  });
  after(async () => {
    await pool.end();
    await db.drop();
  });

  it('validates a compatible new version (fields added) and refuses one that breaks consumers of the previous version', async () => {
    const compatible = specWithSchemas({ 'order.placed.v1.json': v1, 'order.placed.v2.json': { ...v1, required: ['orderId', 'total', 'currency'], properties: { ...v1.properties, currency: { type: 'string' } } } });
    expect((await compileSpec([compatible.spec])).errors).to.deep.equal([]);

    const breaking = specWithSchemas({ 'order.placed.v1.json': v1, 'order.placed.v2.json': { type: 'object', required: ['orderId'], properties: { orderId: { type: 'string' }, total: { type: 'number' } } } });
    const { errors } = await compileSpec([breaking.spec]);
    expect(errors.map((e) => [e.code, e.path, e.line])).to.deep.equal([['DBA_OUTBOX_SCHEMA_BREAKING', '/queue_config/outbox/schemas', 9]]);
    expect(errors[0]?.message).to.equal('order.placed v2 breaks consumers of v1: required field total is no longer required; field orderId changed type from integer to string');
    const misnamed = specWithSchemas({ 'order-placed.json': v1, 'order.placed.v1.json': '{ not json' });
    const invalid = (await compileSpec([misnamed.spec])).errors;
    expect(invalid.map((e) => e.code)).to.deep.equal(['DBA_OUTBOX_SCHEMA_INVALID']);
    expect(invalid[0]?.message).to.match(/^order-placed\.json is not named .*; order\.placed\.v1\.json is not a JSON Schema/);
  });

  it('refuses at append a payload that does not match its schema, and the application transaction rolls back', async () => {
    const { dir } = specWithSchemas({ 'order.placed.v1.json': v1, 'order.placed.v2.json': { ...v1, properties: { ...v1.properties, coupon: { type: 'string' } } } });
    const checked = outbox.withSchemas(dir);
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('INSERT INTO orders (id) VALUES (1)');
      const error = await expectCode(checked.append(client, 'order.placed', { orderId: 1, total: 'a lot' }, { key: 'order:1' }), 'DBA_OUTBOX_EVENT_INVALID');
      expect(error.details).to.include({ eventType: 'order.placed', version: 2 });
      await client.query('ROLLBACK');
      expect((await pool.query('SELECT 1 FROM orders')).rowCount, 'the order went with the refused event').to.equal(0);
      await expectCode(checked.append(client, 'order.shipped', { orderId: 1 }), 'DBA_OUTBOX_EVENT_INVALID');

      await client.query('BEGIN');
      await client.query('INSERT INTO orders (id) VALUES (2)');
      await checked.append(client, 'order.placed', { orderId: 2, total: 9.5 }, { key: 'order:2' });
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    const { rows } = await pool.query<{ headers: Record<string, unknown> }>('SELECT headers FROM dbarch.outbox_events');
    expect(rows.map((r) => r.headers)).to.deep.equal([{ 'x-dbarch-schema-version': 2 }]);
  });
});
