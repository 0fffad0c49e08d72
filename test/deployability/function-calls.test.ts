import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FUNCTION_CALLS } from './function-calls';
import { bundledCommands } from './sdk-commands';

/*
 * function-calls.ts declares what each handler sends; this checks the declaration against the
 * code, so a new SDK call cannot reach a handler without its IAM requests being simulated.
 */

const lambdas = join(__dirname, '..', '..', 'lambdas');
const handlers = readdirSync(lambdas).filter((dir) => existsSync(join(lambdas, dir, 'handler.ts'))).sort();

describe('the declared SDK calls of each Lambda handler', () => {
  it('declares exactly the handlers under lambdas/', () => {
    expect(Object.keys(FUNCTION_CALLS).sort()).toEqual(handlers);
  });

  it('gives every declared command requests or a reason it is never sent, not both', () => {
    const unclear = Object.entries(FUNCTION_CALLS).flatMap(([handler, calls]) =>
      calls.filter((call) => (call.requests === undefined) === (call.notSent === undefined)).map((call) => `${handler}: ${call.client} ${call.command}`),
    );
    expect(unclear).toEqual([]);
  });

  for (const handler of handlers) {
    it(`${handler}: declares exactly the SDK commands its bundle imports`, async () => {
      const bundled = await bundledCommands(handler);
      expect(bundled.length).toBeGreaterThan(0);
      const declared = (FUNCTION_CALLS[handler] ?? []).map((call) => `${call.client} ${call.command}`).sort();
      const undeclared = bundled.filter((c) => !declared.includes(`${c.client} ${c.command}`)).map((c) => `${c.client} ${c.command} (imported by ${c.files.join(', ')})`);
      const stale = declared.filter((d) => !bundled.some((c) => `${c.client} ${c.command}` === d));
      expect({ undeclared, stale }).toEqual({ undeclared: [], stale: [] });
    });
  }
});
