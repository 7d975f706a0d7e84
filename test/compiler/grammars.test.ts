import { expect } from 'chai';
import { resolveEnvReferences, parseInterpolation } from '../../compiler/grammar/envReference.ts';
import type { GrammarResult } from '../../compiler/grammar/GrammarResult.ts';
import { parseAlertCondition } from '../../compiler/grammar/parseAlertCondition.ts';
import { parseConnectionUrl } from '../../compiler/grammar/parseConnectionUrl.ts';
import { parseDestinationUrl } from '../../compiler/grammar/parseDestinationUrl.ts';
import { parseDuration } from '../../compiler/grammar/parseDuration.ts';
import { parseFrequency } from '../../compiler/grammar/parseFrequency.ts';
import { parsePercent } from '../../compiler/grammar/parsePercent.ts';
import { parseRate } from '../../compiler/grammar/parseRate.ts';
import { parseSecretReference } from '../../compiler/grammar/parseSecretReference.ts';
import { parseSize } from '../../compiler/grammar/parseSize.ts';
import { parseStepProse } from '../../compiler/grammar/parseStepProse.ts';
import { topicMatches } from '../../compiler/grammar/topicBinding.ts';
import type { ErrorCode } from '../../errors/registry.ts';

function valueOf<T>(result: GrammarResult<T>): T {
  if (!result.ok) throw new Error(`${result.code}: ${result.message}`);
  return result.value;
}

function codeOf(result: GrammarResult<unknown>): ErrorCode | undefined {
  return result.ok ? undefined : result.code;
}

describe('value grammars', () => {
  it('durations: seconds, units, combinations', () => {
    const table: [string | number, number][] = [[3600, 3_600_000], ['3600', 3_600_000], ['10s', 10_000], ['500ms', 500], ['1h', 3_600_000], ['7d', 604_800_000], ['30d', 2_592_000_000], ['2w', 1_209_600_000], ['1h30m', 5_400_000]];
    for (const [input, ms] of table) expect(valueOf(parseDuration(input)), String(input)).to.equal(ms);
    for (const bad of ['', '10x', '1mo', '-5s', '1h1h', 'soon', '5 seconds']) expect(codeOf(parseDuration(bad)), bad).to.equal('DBA_SPEC_DURATION');
  });

  it('rates', () => {
    expect(valueOf(parseRate('1000req/min'))).to.deep.equal({ count: 1000, per: 'min', perSecond: 1000 / 60 });
    expect(valueOf(parseRate('50req/s')).perSecond).to.equal(50);
    expect(valueOf(parseRate('3600req/h')).perSecond).to.equal(1);
    for (const bad of ['fast', '10req/fortnight', '0req/s', 'req/s']) expect(codeOf(parseRate(bad)), bad).to.equal('DBA_SPEC_RATE');
  });

  it('sizes and percentages', () => {
    expect(valueOf(parseSize('256MB'))).to.equal(256e6);
    expect(valueOf(parseSize('1GiB'))).to.equal(1024 ** 3);
    expect(codeOf(parseSize('12 parsecs'))).to.equal('DBA_SPEC_SIZE');
    expect(valueOf(parsePercent('90%'))).to.equal(90);
    expect(valueOf(parsePercent('99.5%'))).to.equal(99.5);
    for (const bad of ['90', '101%', 'ninety%']) expect(codeOf(parsePercent(bad)), bad).to.equal('DBA_SPEC_PERCENT');
  });

  it('alert conditions against the metric catalogue, with units', () => {
    expect(valueOf(parseAlertCondition('replication_lag > 10s'))).to.deep.equal({ metric: 'replication_lag', operator: '>', threshold: 10_000 });
    expect(valueOf(parseAlertCondition('pool_utilization >= 90%'))).to.deep.equal({ metric: 'pool_utilization', operator: '>=', threshold: 90 });
    expect(valueOf(parseAlertCondition('slow_query_count > 100')).threshold).to.equal(100);
    expect(valueOf(parseAlertCondition('disk_usage > 10GB')).threshold).to.equal(10e9);
    expect(codeOf(parseAlertCondition('replication_lag >> 10s'))).to.equal('DBA_SPEC_ALERT_CONDITION');
    expect(codeOf(parseAlertCondition('replication_lagg > 10s'))).to.equal('DBA_SPEC_UNKNOWN_METRIC');
    expect(codeOf(parseAlertCondition('pg_stat_database > 1'))).to.equal('DBA_SPEC_UNKNOWN_METRIC');
    expect(codeOf(parseAlertCondition('replication_lag > 10'))).to.equal('DBA_SPEC_ALERT_UNIT');
    expect(codeOf(parseAlertCondition('pool_utilization > 0.9'))).to.equal('DBA_SPEC_ALERT_UNIT');
    expect(codeOf(parseAlertCondition('slow_query_count > 10s'))).to.equal('DBA_SPEC_ALERT_UNIT');
  });

  it('frequencies: names, intervals and cron', () => {
    expect(valueOf(parseFrequency('daily')).cron).to.equal('0 0 * * *');
    expect(valueOf(parseFrequency('@hourly')).cron).to.equal('0 * * * *');
    expect(valueOf(parseFrequency('every 6h')).cron).to.equal('0 */6 * * *');
    expect(valueOf(parseFrequency('every 15m')).cron).to.equal('*/15 * * * *');
    expect(valueOf(parseFrequency('0 3 * * MON-FRI')).cron).to.equal('0 3 * * MON-FRI');
    expect(valueOf(parseFrequency('*/10 1-5 1,15 JAN *')).cron).to.equal('*/10 1-5 1,15 JAN *');
    for (const bad of ['daly', '0 25 * * *', '* * *', 'every 7m', '0 0 32 * *', '*/0 * * * *']) expect(codeOf(parseFrequency(bad)), bad).to.equal('DBA_SPEC_FREQUENCY');
  });

  it('destination URLs', () => {
    expect(valueOf(parseDestinationUrl('s3://backups/database/'))).to.deep.equal({ scheme: 's3', bucket: 'backups', path: 'database/' });
    expect(valueOf(parseDestinationUrl('file:///var/backups/'))).to.deep.equal({ scheme: 'file', bucket: '', path: '/var/backups/' });
    expect(valueOf(parseDestinationUrl('${BACKUPS:-file:///tmp/b/}')).scheme).to.equal('env');
    for (const bad of ['ftp://x/y', 'file://relative/', 's3://A_B/', 'backups', '${B:-ftp://x/}']) expect(codeOf(parseDestinationUrl(bad)), bad).to.equal('DBA_SPEC_DESTINATION');
  });

  it('connection references', () => {
    expect(parseConnectionUrl('${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/app}', 'postgres').ok).to.equal(true);
    expect(parseConnectionUrl('${AMQP_URL:-amqp://guest:guest@127.0.0.1:5672}', 'amqp').ok).to.equal(true);
    expect(parseConnectionUrl('redis://127.0.0.1:6379', 'redis').ok).to.equal(true);
    expect(codeOf(parseConnectionUrl('amqp://guest:guest@127.0.0.1', 'amqp'))).to.equal('DBA_SPEC_INLINE_SECRET');
    expect(codeOf(parseConnectionUrl('postgres://app@db/app?password=hunter2', 'postgres'))).to.equal('DBA_SPEC_INLINE_SECRET');
    expect(codeOf(parseConnectionUrl('${PROD_URL:-postgres://admin:RealProdPassw0rd@prod.internal/app}', 'postgres'))).to.equal('DBA_SPEC_INLINE_SECRET');
    expect(codeOf(parseConnectionUrl('${AMQP_URL:-amqp://guest:guest@rabbit.prod:5672}', 'amqp'))).to.equal('DBA_SPEC_INLINE_SECRET');
    expect(parseConnectionUrl('${AMQP_URL:-amqp://guest:guest@localhost:5672}', 'amqp').ok).to.equal(true);
    expect(codeOf(parseConnectionUrl('postgres:///nohost', 'postgres'))).to.equal('DBA_SPEC_CONNECTION_URL');
    expect(codeOf(parseConnectionUrl('${X:-mysql://h/db}', 'postgres'))).to.equal('DBA_SPEC_CONNECTION_URL');
  });

  it('env references: grammar, defaults and escapes', () => {
    expect(valueOf(parseInterpolation('a${B}c${D:-e}'))).to.deep.equal([
      { kind: 'text', text: 'a' },
      { kind: 'env', name: 'B', default: undefined },
      { kind: 'text', text: 'c' },
      { kind: 'env', name: 'D', default: 'e' },
    ]);
    expect(valueOf(parseInterpolation('$${literal}'))).to.deep.equal([{ kind: 'text', text: '${literal}' }]);
    expect(codeOf(parseInterpolation('${OPEN'))).to.equal('DBA_SPEC_REFERENCE');
    expect(codeOf(parseInterpolation('${9LIVES}'))).to.equal('DBA_SPEC_REFERENCE');
    expect(valueOf(resolveEnvReferences('${DATABASE_URL:-postgres://local}', {}))).to.equal('postgres://local');
    expect(valueOf(resolveEnvReferences('${DATABASE_URL:-postgres://local}', { DATABASE_URL: 'postgres://ci' }))).to.equal('postgres://ci');
    expect(valueOf(resolveEnvReferences('${DATABASE_URL:-postgres://local}', { DATABASE_URL: '' }))).to.equal('postgres://local');
    expect(codeOf(resolveEnvReferences('${MISSING}', {}))).to.equal('DBA_SPEC_REFERENCE');
  });

  it('secret references', () => {
    expect(valueOf(parseSecretReference('${DD_API_KEY}'))).to.deep.equal({ kind: 'env', name: 'DD_API_KEY' });
    expect(valueOf(parseSecretReference('vault://secret/data/db#password')).kind).to.equal('provider');
    for (const bad of ['abc123', '${KEY:-abc123}', 'prefix-${KEY}', 'https://example.com/key']) expect(codeOf(parseSecretReference(bad)), bad).to.equal('DBA_SPEC_INLINE_SECRET');
  });

  it('numbered prose steps, as YAML folds them', () => {
    expect(valueOf(parseStepProse('1. Apply migrations to green_db 2. Keep blue_db as rollback target (24 hours)'))).to.deep.equal(['Apply migrations to green_db', 'Keep blue_db as rollback target (24 hours)']);
    expect(valueOf(parseStepProse('1. Upgrade to v2. 2. Done'))).to.deep.equal(['Upgrade to v2.', 'Done']);
    expect(valueOf(parseStepProse('1. one\n2. two\n'))).to.deep.equal(['one', 'two']);
    expect(codeOf(parseStepProse('Do it all'))).to.equal('DBA_SPEC_STEPS');
    expect(codeOf(parseStepProse('1. one 3. three'))).to.equal('DBA_SPEC_STEPS');
  });

  it('topic bindings match like RabbitMQ', () => {
    expect(topicMatches('inventory.*', 'inventory.change')).to.equal(true);
    expect(topicMatches('inventory.*', 'inventory.a.b')).to.equal(false);
    expect(topicMatches('orders.#', 'orders')).to.equal(true);
    expect(topicMatches('#.deleted', 'user.profile.deleted')).to.equal(true);
    expect(topicMatches('user.created', 'user.update')).to.equal(false);
  });
});
