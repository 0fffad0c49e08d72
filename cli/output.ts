import type { CliIo } from './context';

/** Writes a result: JSON on stdout with --json, otherwise the human text. */
export function print(io: CliIo, values: { json?: boolean }, data: unknown, text: () => string): void {
  io.stdout(values.json ? `${JSON.stringify(data, null, 2)}\n` : `${text()}\n`);
}
