import { expect } from 'chai';
import { createLedgerTable, startLedgerWriter, verifyLedger } from '../support/ledgerWriter.ts';
import { freshDatabase, query, type TestDatabase } from '../support/postgres.ts';
import { serviceUrls } from '../../runtime/serviceUrls.ts';

// The failover tests and the bench count lost rows with this writer, so its own accounting is tested here.
describe('ledger writer (test support)', () => {
  let db: TestDatabase;

  before(async () => {
    db = await freshDatabase('ledger_writer');
    await createLedgerTable(db.url);
  });
  after(async () => {
    await db.drop();
  });

  it('reconnects through resolve() after its session dies, and every acknowledged row is there once', async () => {
    let resolved = 0;
    const writer = startLedgerWriter({ writer: 'reconnect', resolve: () => (resolved++, Promise.resolve(db.url)) });
    await writer.waitForAcks(20);
    // Refuse new connections, then end the writer's session: no commit can be acknowledged until allowed again.
    await query(serviceUrls().postgres, `ALTER DATABASE ${db.name} ALLOW_CONNECTIONS false`);
    await query(serviceUrls().postgres, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'ledger-writer-reconnect'`);
    const cut = writer.now();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const reopened = writer.now();
    await query(serviceUrls().postgres, `ALTER DATABASE ${db.name} ALLOW_CONNECTIONS true`);
    await writer.waitForAcks(20);
    const run = await writer.stop();

    expect(resolved).to.be.greaterThan(1);
    expect(run.failures).to.not.deep.equal({});
    const gap = writer.gapAround(cut);
    expect(gap).to.be.a('number');
    // Lower bound only: the last ack before the cut and the first after the reopening frame the refused window.
    expect(gap).to.be.at.least(reopened - cut);
    expect(writer.longestGap()).to.equal(gap);
    const verdict = await verifyLedger(db.url, run);
    expect(verdict).to.deep.include({ lost: [], duplicated: [], unexpected: [] });
    expect(verdict.acknowledged).to.equal(run.acknowledged.length).and.to.be.at.least(40);
  });

  it('the verdict names lost, duplicated and unexpected rows', async () => {
    const writer = startLedgerWriter({ writer: 'tampered', resolve: () => Promise.resolve(db.url) });
    await writer.waitForAcks(10);
    const run = await writer.stop();
    const [first, second] = run.acknowledged;
    await query(db.url, `DELETE FROM ledger WHERE writer = 'tampered' AND id = $1`, [first!.id]);
    await query(db.url, `INSERT INTO ledger (id, writer) VALUES ($1, 'tampered'), (1000000, 'tampered')`, [second!.id]);
    const verdict = await verifyLedger(db.url, run);
    expect(verdict.lost).to.deep.equal([first!.id]);
    expect(verdict.duplicated).to.deep.equal([second!.id]);
    expect(verdict.unexpected).to.deep.equal([1000000]);
  });
});
