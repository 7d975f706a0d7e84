import { connectAmqp } from './connectAmqp.ts';
import { inspectTopology } from './inspectTopology.ts';
import type { QueueTopology } from './QueueTopology.ts';
import type { TopologyReport } from './TopologyReport.ts';

/** inspectTopology on a connection of its own to `url`, closed after (a failed close does not hide the report). */
export async function inspectBrokerTopology(url: string, topology: QueueTopology): Promise<TopologyReport> {
  const connection = await connectAmqp(url);
  try {
    return await inspectTopology(connection, topology);
  } finally {
    await connection.close().catch(() => undefined);
  }
}
