import { bluegreenPlugin } from './bluegreen/bluegreenPlugin.ts';
import { backupPlugin } from './backup/backupPlugin.ts';
import { migrationsPlugin } from './migrations/migrationsPlugin.ts';
import { vacuumPlugin } from './vacuum/vacuumPlugin.ts';

/** Plugins shipped in plugins/: registered in every worker and planner without configuration. */
export const inTreePlugins = [
  { plugin: vacuumPlugin, source: 'plugins/vacuum' },
  { plugin: bluegreenPlugin, source: 'plugins/bluegreen' },
  { plugin: migrationsPlugin, source: 'plugins/migrations' },
  { plugin: backupPlugin, source: 'plugins/backup' },
] as const;
