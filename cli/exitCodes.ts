/** The exit codes every dbarch verb uses. */
export const exitCodes = { ok: 0, failed: 1, usage: 2 } as const;
