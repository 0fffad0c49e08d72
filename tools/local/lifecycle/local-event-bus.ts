/**
 * EventBridge's default bus for the rules CDK synthesized: an event is matched against each
 * rule's EventPattern (exact values, prefix, exists, anything-but, numeric equality, nested
 * fields: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html)
 * and delivered to each target with its Input, InputPath or InputTransformer
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html).
 */

type Json = any;

export interface LocalRule {
  readonly id: string;
  readonly pattern: Json;
  readonly targets: readonly Json[];
}

export interface Delivery {
  readonly rule: string;
  readonly targetArn: string;
  readonly input: Json;
}

export class LocalEventBus {
  readonly delivered: Delivery[] = [];

  constructor(
    private readonly rules: readonly LocalRule[],
    private readonly deliver: (targetArn: string, input: Json, rule: string) => Promise<void>,
  ) {}

  /** Puts an event (the full envelope: source, detail-type, detail, time, resources, …). */
  async put(event: Json): Promise<Delivery[]> {
    const envelope = { version: '0', id: crypto.randomUUID(), account: '111111111111', region: 'us-east-1', resources: [], time: new Date().toISOString(), ...event };
    const deliveries: Delivery[] = [];
    for (const rule of this.rules) {
      if (!matches(rule.pattern, envelope)) continue;
      for (const target of rule.targets) deliveries.push({ rule: rule.id, targetArn: target.Arn, input: targetInput(target, envelope, rule.id) });
    }
    this.delivered.push(...deliveries);
    for (const d of deliveries) await this.deliver(d.targetArn, d.input, d.rule);
    return deliveries;
  }
}

export function matches(pattern: Json, event: Json): boolean {
  return Object.entries(pattern).every(([field, expected]) => {
    const value = event?.[field];
    if (Array.isArray(expected)) return expected.some((e) => matchValue(e, value));
    if (expected && typeof expected === 'object') return value !== undefined && value !== null && typeof value === 'object' && matches(expected, value);
    return false;
  });
}

function matchValue(expected: Json, value: Json): boolean {
  if (Array.isArray(value)) return value.some((v) => matchValue(expected, v));
  if (expected === null || typeof expected !== 'object') return expected === value;
  if ('prefix' in expected) return typeof value === 'string' && value.startsWith(expected.prefix);
  if ('suffix' in expected) return typeof value === 'string' && value.endsWith(expected.suffix);
  if ('exists' in expected) return (value !== undefined) === expected.exists;
  if ('anything-but' in expected) return ![expected['anything-but']].flat().includes(value);
  if ('numeric' in expected) {
    const [op, n] = expected.numeric as [string, number];
    return typeof value === 'number' && ({ '=': value === n, '>': value > n, '>=': value >= n, '<': value < n, '<=': value <= n } as Record<string, boolean>)[op] === true;
  }
  throw new Error(`the local event bus does not model the pattern operator ${JSON.stringify(expected)}`);
}

function atPath(event: Json, path: string): Json {
  if (path === '$') return event;
  return path.replace(/^\$\.?/, '').split('.').reduce((value, key) => (value === undefined || value === null ? undefined : value[key]), event);
}

function targetInput(target: Json, event: Json, rule: string): Json {
  if (target.Input !== undefined) return JSON.parse(target.Input);
  if (target.InputPath !== undefined) return atPath(event, target.InputPath);
  const transformer = target.InputTransformer;
  if (transformer === undefined) return event;
  const values: Record<string, Json> = { 'aws.events.rule-name': rule, 'aws.events.event.json': event, 'aws.events.event.ingestion-time': event.time };
  for (const [name, path] of Object.entries<string>(transformer.InputPathsMap ?? {})) values[name] = atPath(event, path);
  // A placeholder inside a JSON string takes the value's text; outside one, its JSON.
  const template: string = transformer.InputTemplate;
  let text = '';
  let inString = false;
  for (let i = 0; i < template.length; i++) {
    const c = template[i]!;
    if (c === '"' && template[i - 1] !== '\\') inString = !inString;
    const placeholder = c === '<' ? /^<([\w.-]+)>/.exec(template.slice(i)) : null;
    if (placeholder && placeholder[1]! in values) {
      const value = values[placeholder[1]!];
      text += inString ? (typeof value === 'string' ? JSON.stringify(value).slice(1, -1) : JSON.stringify(value ?? null).replace(/"/g, '\\"')) : JSON.stringify(value ?? null);
      i += placeholder[0].length - 1;
      continue;
    }
    text += c;
  }
  return JSON.parse(text);
}
