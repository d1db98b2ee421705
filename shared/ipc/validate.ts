/**
 * Input validation against a zod schema, once for the whole app: dispatch (IPC, HTTP, CLI)
 * validates every method's input with it, and a service uses `validated` only for input that
 * does not come through dispatch (what a terminal reports). A failure names each field, with
 * the locale key a schema gives as its message.
 */
import type { z } from 'zod';
import { AppError, type FieldIssue } from './result';

const LOCALE_KEY = /^[a-z][a-zA-Z]*\.[a-zA-Z.]+$/;

export function issuesOf(error: z.ZodError): FieldIssue[] {
  return error.issues.map((issue) => {
    const field: FieldIssue = { path: issue.path.map(String).join('.'), code: issue.code };
    if (LOCALE_KEY.test(issue.message)) field.messageKey = issue.message;
    if ('minimum' in issue && typeof issue.minimum === 'number') field.minimum = issue.minimum;
    if ('maximum' in issue && typeof issue.maximum === 'number') field.maximum = issue.maximum;
    return field;
  });
}

/** The one-line summary of a validation failure: `Invalid input: field: key; ...`. */
export function invalidInputMessage(issues: FieldIssue[]): string {
  return `Invalid input: ${issues.map((i) => `${i.path || '(input)'}: ${i.messageKey ?? i.code}`).join('; ')}`;
}

/** The parsed input, or an AppError('validation') naming the fields. */
export function validated<S extends z.ZodTypeAny>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data as z.output<S>;
  const issues = issuesOf(result.error);
  throw new AppError('validation', invalidInputMessage(issues), { issues });
}
