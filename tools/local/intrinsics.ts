/*
 * CloudFormation intrinsic functions, resolved offline. The structural functions (Fn::Join,
 * Fn::Select, Fn::Split, Fn::Sub) are evaluated here; what a name stands for (Ref, Fn::GetAtt,
 * Fn::ImportValue, CDK's Fn::GetStackOutput) is asked of an `IntrinsicHost`, so one resolver
 * serves both the ASL runner's deterministic fakes and the deployability layer's realistic
 * physical names.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** What the names in a template stand for. Each method may throw for a name it does not know. */
export interface IntrinsicHost {
  /** `Ref` of a pseudo parameter (`AWS::Region`), a template parameter or a resource. */
  ref(name: string, where: string): Json;
  /** `Fn::GetAtt` of a resource of the template. */
  getAtt(logicalId: string, attribute: string, where: string): Json;
  /** `Fn::ImportValue` of an export name. */
  importValue(exportName: string, where: string): Json;
  /** CDK's weak cross-stack reference: `{ StackName, OutputName, Region? }`. */
  stackOutput(reference: { readonly stackName: string; readonly outputName: string; readonly region?: string }, where: string): Json;
}

/** An intrinsic that cannot be resolved offline. */
export class IntrinsicError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'IntrinsicError';
  }
}

type ErrorType = new (message: string, options?: { cause?: unknown }) => Error;

export function isIntrinsic(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0]!.startsWith('Fn::'));
}

export class IntrinsicResolver {
  constructor(
    private readonly host: IntrinsicHost,
    /** The error thrown for what cannot be resolved; callers keep their own error types. */
    private readonly errorType: ErrorType = IntrinsicError,
  ) {}

  /** `value` with every intrinsic replaced by what it resolves to; `where` names it in errors. */
  resolve(value: unknown, where: string): Json {
    if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
    if (Array.isArray(value)) return value.map((item, i) => this.resolve(item, `${where}[${i}]`));
    if (typeof value !== 'object') throw new this.errorType(`${where}: unexpected ${typeof value}`);
    const entries = Object.entries(value);
    const [key, arg] = entries[0] ?? [];
    if (key !== undefined && isIntrinsic(value)) return this.intrinsic(key, arg, `${where}.${key}`);
    return Object.fromEntries(entries.map(([k, v]) => [k, this.resolve(v, `${where}.${k}`)]));
  }

  /** `resolve`, which must give a string. */
  resolveString(value: unknown, where: string): string {
    return this.string(this.resolve(value, where), where);
  }

  private intrinsic(fn: string, arg: unknown, where: string): Json {
    switch (fn) {
      case 'Ref':
        return this.host.ref(this.string(arg, where), where);
      case 'Fn::GetAtt': {
        const [id, attribute] = Array.isArray(arg) ? arg : typeof arg === 'string' ? arg.split(/\.(.*)/s) : [];
        return this.host.getAtt(this.string(id, where), this.string(this.resolve(attribute, where), where), where);
      }
      case 'Fn::Join': {
        const [delimiter, list] = this.array(arg, where);
        return this.array(this.resolve(list, `${where}[1]`), where)
          .map((part) => this.string(part, where))
          .join(this.string(delimiter, where));
      }
      case 'Fn::Select': {
        const [index, list] = this.array(arg, where);
        const items = this.array(this.resolve(list, `${where}[1]`), where);
        const i = Number(this.resolve(index, `${where}[0]`));
        if (!Number.isInteger(i) || i < 0 || i >= items.length) throw new this.errorType(`${where}: index ${String(i)} is out of range for ${items.length} items`);
        return items[i] as Json;
      }
      case 'Fn::Split': {
        const [delimiter, source] = this.array(arg, where);
        return this.string(this.resolve(source, `${where}[1]`), where).split(this.string(delimiter, where));
      }
      case 'Fn::Sub':
        return this.sub(arg, where);
      case 'Fn::ImportValue':
        return this.host.importValue(this.string(this.resolve(arg, where), where), where);
      case 'Fn::GetStackOutput': {
        const reference = (typeof arg === 'object' && arg !== null ? arg : {}) as { StackName?: unknown; OutputName?: unknown; Region?: unknown };
        const region = reference.Region === undefined ? undefined : this.string(this.resolve(reference.Region, `${where}.Region`), `${where}.Region`);
        return this.host.stackOutput(
          {
            stackName: reference.StackName === undefined ? '' : this.string(this.resolve(reference.StackName, `${where}.StackName`), `${where}.StackName`),
            outputName: this.string(this.resolve(reference.OutputName, where), `${where}.OutputName`),
            ...(region !== undefined ? { region } : {}),
          },
          where,
        );
      }
      default:
        throw new this.errorType(`${where}: the intrinsic ${fn} is not supported by the local harness`);
    }
  }

  private sub(arg: unknown, where: string): string {
    const [body, variables = {}] = Array.isArray(arg) ? arg : [arg];
    const vars = (typeof variables === 'object' && variables !== null ? variables : {}) as Record<string, unknown>;
    return this.string(body, where).replace(/\$\{(!?)([^}]+)\}/g, (_, literal: string, name: string) => {
      if (literal) return `\${${name}}`;
      if (name in vars) return this.string(this.resolve(vars[name], `${where}.${name}`), where);
      const dot = name.indexOf('.');
      const value = dot > 0 && !name.startsWith('AWS::') ? this.host.getAtt(name.slice(0, dot), name.slice(dot + 1), where) : this.host.ref(name, where);
      return this.string(value, where);
    });
  }

  private string(value: unknown, where: string): string {
    if (typeof value === 'string') return value;
    if (typeof value === 'number') return String(value);
    throw new this.errorType(`${where}: expected a string, got ${JSON.stringify(value)}`);
  }

  private array(value: unknown, where: string): unknown[] {
    if (Array.isArray(value)) return value;
    throw new this.errorType(`${where}: expected a list, got ${JSON.stringify(value)}`);
  }
}
