import { describe, expect, it } from 'vitest';
import {
  AlreadyClaimedError,
  assertTransition,
  ConcurrencyError,
  InvalidTransitionError,
  liveVersionAt,
  NoLastGoodError,
  NoProductionError,
  NotInProductionError,
  PointerMismatchError,
  RegistryError,
  STATUSES,
  TRANSITIONS,
  UnknownClaimError,
  UnknownModelError,
  UnknownVersionError,
  type RegistryEvent,
  type VersionStatus,
} from '../../../../lambdas/core/registry/model';

describe('status transitions', () => {
  const allowed: Array<[VersionStatus, VersionStatus]> = [
    ['Registered', 'Approved'],
    ['Registered', 'Rejected'],
    ['Approved', 'Production'],
    ['Approved', 'Rejected'],
    ['Approved', 'Archived'],
    ['Production', 'Archived'],
    ['Production', 'RolledBack'],
    ['Archived', 'Production'],
  ];

  it('allows exactly the documented transitions', () => {
    const all = STATUSES.flatMap((from) => TRANSITIONS[from].map((to) => [from, to]));
    expect(all.sort()).toEqual([...allowed].sort());
  });

  it.each(allowed)('allows going from %s to %s', (from, to) => {
    expect(() => assertTransition('churn', 3, from, to)).not.toThrow();
  });

  it.each(STATUSES.flatMap((from) => STATUSES.filter((to) => !allowed.some(([f, t]) => f === from && t === to)).map((to) => [from, to] as const)))(
    'throws when going from %s to %s',
    (from, to) => {
      expect(() => assertTransition('churn', 3, from, to)).toThrow(InvalidTransitionError);
      expect(() => assertTransition('churn', 3, from, to)).toThrow(`model "churn" version 3 cannot go from ${from} to ${to}`);
    },
  );

  it.each<[VersionStatus, VersionStatus, string | undefined, string]>([
    ['Registered', 'Production', undefined, 'model "churn" version 3 cannot go from Registered to Production (allowed from Registered: Approved, Rejected)'],
    ['Registered', 'Production', 'approve it first', 'model "churn" version 3 cannot go from Registered to Production: approve it first (allowed from Registered: Approved, Rejected)'],
    ['Rejected', 'Approved', undefined, 'model "churn" version 3 cannot go from Rejected to Approved (allowed from Rejected: none)'],
    ['Archived', 'Archived', '', 'model "churn" version 3 cannot go from Archived to Archived (allowed from Archived: Production)'],
  ])('explains %s → %s (hint %j) with what is allowed instead', (from, to, hint, message) => {
    expect(() => assertTransition('churn', 3, from, to, hint)).toThrow(
      expect.objectContaining({ name: 'InvalidTransitionError', message, model: 'churn', version: 3, from, to }),
    );
  });
});

describe('registry errors', () => {
  const claim = { model: 'churn', key: 'alarm-1', version: 4, createdAt: '2026-01-01T00:00:00Z', executionName: 'rollback-churn-4' };

  it.each<[string, () => RegistryError, string, string]>([
    ['UnknownModelError', () => new UnknownModelError('churn'), 'UnknownModelError', 'model "churn" has no registered versions'],
    ['UnknownVersionError', () => new UnknownVersionError('churn', 7), 'UnknownVersionError', 'model "churn" has no version 7'],
    ['NoLastGoodError', () => new NoLastGoodError('churn'), 'NoLastGoodError', 'model "churn" has no last-good version to roll back to'],
    ['NoProductionError', () => new NoProductionError('churn'), 'NoProductionError', 'model "churn" has no production version to roll back'],
    ['NotInProductionError with another version live', () => new NotInProductionError('churn', 3, 5), 'NotInProductionError', 'model "churn" version 3 is not in production (version 5 is)'],
    ['NotInProductionError with none live', () => new NotInProductionError('churn', 3, undefined), 'NotInProductionError', 'model "churn" version 3 is not in production (no version is)'],
    ['UnknownClaimError', () => new UnknownClaimError('churn', 'alarm-1'), 'UnknownClaimError', 'model "churn" has no claim "alarm-1"'],
    ['AlreadyClaimedError', () => new AlreadyClaimedError(claim), 'AlreadyClaimedError', 'model "churn": "alarm-1" was already claimed at 2026-01-01T00:00:00Z'],
    ['ConcurrencyError', () => new ConcurrencyError('churn', 5), 'ConcurrencyError', 'model "churn": gave up after 5 attempts that collided with concurrent updates'],
    [
      'PointerMismatchError on both pointers',
      () => new PointerMismatchError('churn', { production: 3, lastGood: 2 }, { production: 4, lastGood: 3 }),
      'PointerMismatchError',
      'model "churn": expected production version 3 and last-good version 2, but the registry has production version 4 and last-good version 3 (production changed since the caller read it)',
    ],
    [
      'PointerMismatchError on production only, with nothing live',
      () => new PointerMismatchError('churn', { production: 3 }, {}),
      'PointerMismatchError',
      'model "churn": expected production version 3, but the registry has production none and last-good none (production changed since the caller read it)',
    ],
    [
      'PointerMismatchError on last-good only',
      () => new PointerMismatchError('churn', { lastGood: 2 }, { production: 4 }),
      'PointerMismatchError',
      'model "churn": expected last-good version 2, but the registry has production version 4 and last-good none (production changed since the caller read it)',
    ],
  ])('%s names itself and says what is wrong', (_, make, name, message) => {
    const error = make();
    expect(error).toBeInstanceOf(RegistryError);
    expect(error.name).toBe(name);
    expect(error.message).toBe(message);
  });

  it('keeps the cause it was given', () => {
    const cause = new Error('TransactionCanceledException');
    expect(new ConcurrencyError('churn', 5, { cause }).cause).toBe(cause);
    expect(new UnknownClaimError('churn', 'k', { cause }).cause).toBe(cause);
    expect(new RegistryError('x', { cause })).toMatchObject({ name: 'RegistryError', message: 'x', cause });
  });
});

describe('liveVersionAt', () => {
  const event = (seq: number, at: string, type: RegistryEvent['type'], version?: number): RegistryEvent => ({ model: 'm', seq, at, type, actor: 't', version });
  const history = [
    event(1, '2026-01-01T00:00:00Z', 'Registered', 1),
    event(2, '2026-01-02T00:00:00Z', 'Promoted', 1),
    event(3, '2026-01-03T00:00:00Z', 'Registered', 2),
    event(4, '2026-01-04T00:00:00Z', 'Promoted', 2),
    event(5, '2026-01-05T00:00:00Z', 'RolledBack', 1),
    event(6, '2026-01-06T00:00:00Z', 'Failed'),
  ];

  it.each([
    ['2025-12-31T00:00:00Z', undefined],
    ['2026-01-01T12:00:00Z', undefined],
    ['2026-01-02T00:00:00Z', 1],
    ['2026-01-03T23:59:59Z', 1],
    ['2026-01-04T00:00:01Z', 2],
    ['2026-01-05T00:00:00Z', 1],
    ['2030-01-01T00:00:00Z', 1],
  ])('at %s the live version is %s', (at, expected) => {
    expect(liveVersionAt(history, new Date(at))).toBe(expected);
  });

  it('orders by sequence, not by the order given', () => {
    expect(liveVersionAt([...history].reverse(), new Date('2026-01-04T12:00:00Z'))).toBe(2);
  });
});
