import { cdcOptions, type CdcActivityInput } from '../../activities/cdc/cdcActivities.ts';
import type { CdcPrepareReport } from '../../activities/cdc/CdcPrepareReport.ts';
import type { CdcSlotStatus } from '../../activities/cdc/CdcSlotStatus.ts';
import { dropCdcSlot, type DropCdcSlotResult } from '../../activities/cdc/dropCdcSlot.ts';
import { prepareCdc } from '../../activities/cdc/prepareCdc.ts';
import { readCdcSlot } from '../../activities/cdc/readCdcSlot.ts';
import type { JsonObject } from '../../plan/Plan.ts';
import { definePlugin } from '../definePlugin.ts';
import { hostVersion } from '../hostVersion.ts';
import { cdcInputOfSections } from './cdcInputOfSections.ts';

type PrepareStepInput = Omit<CdcActivityInput, 'runForMs' | 'progress'>;
interface DropSlotStepInput extends PrepareStepInput {
  /** Set by a procedure after its approval gate: dropping loses the unpublished changes. */
  readonly approved?: boolean;
}

const inputSchema = (extra: object = {}) => ({
  type: 'object',
  additionalProperties: false,
  required: ['database', 'tables', 'publishTo'],
  properties: {
    database: { type: 'string', minLength: 1 },
    connection: { type: 'string', minLength: 1 },
    slot: { type: 'string', minLength: 1 },
    publication: { type: 'string', minLength: 1 },
    tables: { type: 'array', minItems: 1, items: { type: 'object', additionalProperties: false, required: ['table', 'topic'], properties: { table: { type: 'string', minLength: 1 }, topic: { type: 'string', minLength: 1 } } } },
    publishTo: { enum: ['rabbitmq', 'kafka'] },
    amqpUrl: { type: 'string', minLength: 1 },
    exchange: { type: 'string', minLength: 1 },
    kafkaBrokers: { type: 'string', minLength: 1 },
    windowEvents: { type: 'integer', minimum: 1 },
    maxSlotWalKeepSize: { type: 'string', minLength: 1 },
    ...extra,
  },
});

/**
 * The cdc capability: reads `cdc_config` (with `clusters` for the connection and `queue_config.url` for the
 * broker) and gives its steps the capture as their default input. `cdc/prepare` makes the publication and slot
 * ready (idempotent; coded errors before anything is made); `cdc/slot_status` reads the slot (what a drop would
 * lose) and changes nothing; `cdc/drop_slot` drops them, only with `approved: true` (put it after an approval gate,
 * as the shipped dbarch/cdc_drop_slot does). The stream itself is the long-running workflow cdc:<database>
 * (`dbarch cdc start`).
 */
export const cdcPlugin = definePlugin({
  name: 'cdc',
  version: hostVersion,
  host: '*',
  description: 'Change data capture from cdc_config: a dbarch-owned publication and pgoutput slot, streamed to RabbitMQ or Kafka.',
  reads: ['cdc_config', 'clusters', 'queue_config'],
  procedures: [new URL('../../procedures/cdc_drop_slot.yaml', import.meta.url)],
  planning: {
    stepDefaults: (sections) => {
      const cdc = sections.cdc_config;
      if (cdc === undefined || cdc.database === undefined || cdc.publish_to === 'redis') return undefined;
      return cdcInputOfSections(cdc, sections.clusters, sections.queue_config?.url) as unknown as JsonObject;
    },
  },
  defaults: { timeout: '2m', retry: { attempts: 5, initialInterval: '1s', nonRetryable: ['DBA_CDC_INPUT', 'DBA_CDC_TABLE_MISSING', 'DBA_CDC_NO_REPLICA_IDENTITY', 'DBA_CDC_SLOT_FOREIGN', 'DBA_CDC_WAL_LEVEL', 'DBA_CDC_SLOT_LOST', 'DBA_CDC_DATABASE_REFUSED', 'DBA_CDC_DROP_NOT_APPROVED'] } },
  steps: (deps) => ({
    prepare: {
      input: inputSchema(),
      describe: (input: PrepareStepInput) => `prepare CDC slot ${input.slot ?? 'dbarch_cdc'} for ${input.tables.map((t) => t.table).join(', ')} of ${input.database}`,
      run: (input: PrepareStepInput): Promise<CdcPrepareReport> => {
        const options = cdcOptions(input, deps);
        return prepareCdc({ ...options, ...(input.maxSlotWalKeepSize === undefined ? {} : { maxSlotWalKeepSize: input.maxSlotWalKeepSize }) }, deps.log.child({ cdc: input.database }));
      },
    },
    slot_status: {
      input: inputSchema(),
      describe: (input: PrepareStepInput) => `read CDC slot ${input.slot ?? 'dbarch_cdc'} of ${input.database}: its unpublished lag and whether a stream holds it`,
      run: (input: PrepareStepInput): Promise<CdcSlotStatus> => {
        const options = cdcOptions(input, deps);
        return readCdcSlot(options.databaseUrl, options.slot);
      },
    },
    drop_slot: {
      input: inputSchema({ approved: { type: 'boolean' } }),
      describe: (input: DropSlotStepInput) => `drop CDC slot ${input.slot ?? 'dbarch_cdc'} of ${input.database} (unpublished changes are lost)`,
      run: (input: DropSlotStepInput): Promise<DropCdcSlotResult> => {
        const options = cdcOptions(input, deps);
        return dropCdcSlot({ databaseUrl: options.databaseUrl, slot: options.slot, publication: options.publication, approved: input.approved === true });
      },
    },
  }),
});
