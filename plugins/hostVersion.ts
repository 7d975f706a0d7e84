import { readFileSync } from 'node:fs';

/** The dbarch version plugins' `host` ranges are checked against: package.json's version. */
export const hostVersion: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
