import { expect } from 'chai';
import pg from 'pg';
import { startExporter, type Exporter } from '../../activities/monitoring/startExporter.ts';
import { compileAlertRules } from '../../activities/monitoring/compileAlertRules.ts';
import { eventually } from '../support/childProcess.ts';
import { startPgCluster, type PgCluster } from '../support/pgCluster.ts';
import { parseMetrics, sampleValue, type Sample } from './parseMetrics.ts';

/**
 * The exporter's guardrails for change data capture and WAL archiving on a real primary: the WAL a stalled
 * logical slot pins, and WAL files archive_command has not managed to archive (a command that always fails).
 */
describe('monitoring: replication slots and WAL archiving', function () {
  this.timeout(60_000);
  let primary: PgCluster;
  let exporter: Exporter;

  const scrape = async (): Promise<Sample[]> => parseMetrics(await (await fetch(exporter.url)).text());
  const run = async (sql: string) => {
    const client = new pg.Client({ connectionString: primary.url });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };

  before(async () => {
    primary = await startPgCluster({ label: 'mon-slots', settings: { archive_mode: 'on', archive_command: 'false', max_slot_wal_keep_size: '1GB' } });
    exporter = await startExporter({
      host: '127.0.0.1', port: 0, scrapeTimeoutMs: 5000, collectors: ['replication_slots', 'wal_archiving'],
      targets: [{ cluster: 'cdc', server: `127.0.0.1:${primary.port}`, url: primary.url, databases: ['postgres'] }],
    });
  });
  after(async () => {
    await exporter?.close();
    await primary?.stop();
  });

  it('a logical slot nobody reads retains the WAL written since, with its room before max_slot_wal_keep_size', async () => {
    await run("SELECT pg_create_logical_replication_slot('stalled_cdc', 'pgoutput')");
    const before = sampleValue(await scrape(), 'dbarch_pg_replication_slot_retained_bytes', { slot: 'stalled_cdc' }) ?? -1;
    await run('CREATE TABLE filler AS SELECT g, repeat(md5(g::text), 20) AS pad FROM generate_series(1, 20000) g');
    const samples = await scrape();
    const labels = { cluster: 'cdc', slot: 'stalled_cdc', slot_type: 'logical' };
    const retained = sampleValue(samples, 'dbarch_pg_replication_slot_retained_bytes', labels)!;
    expect(retained - before, 'the ~13 MB written since are retained').to.be.greaterThan(10_000_000);
    expect(sampleValue(samples, 'dbarch_pg_replication_slot_active', labels)).to.equal(0);
    expect(sampleValue(samples, 'dbarch_pg_replication_slot_lost', labels)).to.equal(0);
    const room = sampleValue(samples, 'dbarch_pg_replication_slot_safe_wal_bytes', labels)!;
    expect(room).to.be.greaterThan(0).and.at.most(1024 ** 3 - retained + 16 * 1024 ** 2);
  });

  it('WAL files archive_command fails on wait, counted, with the age of the oldest', async () => {
    await run('SELECT pg_switch_wal()');
    const samples = await eventually(async () => {
      const s = await scrape();
      return (sampleValue(s, 'dbarch_pg_stat_archiver_failed_total') ?? 0) > 0 ? s : undefined;
    }, 'archive_command to fail once', 20_000);
    expect(sampleValue(samples, 'dbarch_pg_wal_archive_pending_files')).to.be.at.least(1);
    expect(sampleValue(samples, 'dbarch_pg_stat_archiver_archived_total')).to.equal(0);
    expect(sampleValue(samples, 'dbarch_pg_wal_archive_oldest_pending_seconds')).to.be.greaterThan(0);
  });

  it('alert rules on slot retention and archive lag compile to PromQL over these families', () => {
    const { file, skipped } = compileAlertRules(
      [
        { name: 'cdc_slot_pins_wal', condition: 'replication_slot_retained_bytes > 5GB', severity: 'critical', forMs: 60_000 },
        { name: 'wal_archive_behind', condition: 'wal_archive_lag > 5m', severity: 'warning', forMs: 0 },
      ],
      { runbookBaseUrl: 'https://runbooks.test/monitoring' },
    );
    expect(skipped).to.deep.equal([]);
    expect(file.groups[0]!.rules.map((r) => r.expr)).to.deep.equal([
      'max by (cluster, server, slot) (dbarch_pg_replication_slot_retained_bytes) > 5000000000',
      'max by (cluster, server) (dbarch_pg_wal_archive_oldest_pending_seconds) > 300',
    ]);
  });
});
