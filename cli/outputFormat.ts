/**
 * The `--format` a command line asks for, read without the verb's option table (for printing an error raised
 * before or while the verb parsed its arguments): `--format json` and `--format=json`; the last one wins, as in
 * parseArgs; nothing after `--` counts.
 */
export function outputFormat(argv: readonly string[]): 'text' | 'json' {
  let format: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--') break;
    if (arg === '--format') format = argv[++i];
    else if (arg.startsWith('--format=')) format = arg.slice('--format='.length);
  }
  return format === 'json' ? 'json' : 'text';
}
