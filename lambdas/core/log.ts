/**
 * Port: the structured log a use case writes as it goes. Powertools' Logger is one; core tests
 * pass a recorder. The core never imports a logger, so it stays free of I/O.
 */
export interface Log {
  info(message: string, fields: Readonly<Record<string, unknown>>): void;
  warn(message: string, fields: Readonly<Record<string, unknown>>): void;
}
