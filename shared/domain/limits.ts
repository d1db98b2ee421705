/**
 * Field limits read from the contract's schemas, so an input's maxlength is the schema's max and
 * the two cannot drift apart (the core still refuses longer text with a translated field error).
 */
import type { z } from 'zod';

type Node = { maxLength?: number | null; unwrap?: () => unknown; def?: { innerType?: unknown; in?: unknown; element?: unknown }; shape?: Record<string, unknown> };

/** The max length of a string schema, looking through optional, nullable, default and pipes. */
export function maxLengthOfString(schema: unknown): number | undefined {
  let node = schema as Node | undefined;
  for (let depth = 0; node && depth < 8; depth++) {
    if (typeof node.maxLength === 'number') return node.maxLength;
    const inner: unknown = node.def?.innerType ?? node.def?.in ?? (typeof node.unwrap === 'function' ? node.unwrap() : undefined);
    node = inner as Node | undefined;
  }
  return undefined;
}

/**
 * The max length of `field` of an object schema: dotted for nested objects, `*` for the items of
 * an array ('steps.*.title.en'); throws for a field without one, so a typo fails the build's tests.
 */
export function maxLengthOf(schema: z.ZodType, field: string): number {
  let node: unknown = schema;
  for (const part of field.split('.')) {
    let object = node as Node | undefined;
    const found = (n: Node) => (part === '*' ? n.def?.element !== undefined : n.shape !== undefined);
    for (let depth = 0; object && !found(object) && depth < 8; depth++) object = (object.def?.innerType ?? object.def?.in ?? object.unwrap?.()) as Node | undefined;
    node = part === '*' ? object?.def?.element : object?.shape?.[part];
  }
  const max = maxLengthOfString(node);
  if (max === undefined) throw new Error(`no max length for ${field}`);
  return max;
}

/** A list's search box filters rows in the page; what it matches (names, models, tickets) is at most 100 characters. */
export const SEARCH_MAX_LENGTH = 100;
