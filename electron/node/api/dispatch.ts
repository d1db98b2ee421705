/**
 * The one entry point behind IPC, HTTP and the CLI: checks the method name, validates the
 * input against the contract, runs the handler and answers a Result. Nothing thrown inside
 * escapes; unexpected errors are logged and answered as `internal`.
 */
import type { z } from 'zod';
import { contract, isMethodName, type MethodName } from '../../../shared/ipc/contract';
import { AppError, fail, type ApiError, type Result } from '../../../shared/ipc/result';
import { invalidInputMessage, issuesOf } from '../../../shared/ipc/validate';
import type { Logger } from '../log/logger';
import type { Handlers } from './handlers';

export function validationError(error: z.ZodError): { ok: false; error: ApiError } {
  const issues = issuesOf(error);
  return fail('validation', invalidInputMessage(issues), { issues });
}

export type Dispatch = (method: string, input: unknown) => Promise<Result<unknown>>;

export function createDispatch(handlers: Handlers, logger: Logger): Dispatch {
  return async (method, input) => {
    if (!isMethodName(method)) return fail('unknown_method', `Unknown method ${method}`);
    const spec = contract[method];
    const parsed = spec.input.safeParse(input);
    if (!parsed.success) return validationError(parsed.error);
    try {
      const handler = handlers[method] as (input: unknown) => unknown;
      const value = await handler(parsed.data);
      // The output is checked too: the renderer relies on the contract's shapes.
      const output = spec.output.safeParse(value);
      if (!output.success) {
        logger.error('handler answered outside the contract', { method, issues: issuesOf(output.error) });
        return fail('internal', `The answer of ${method} did not match the contract`);
      }
      return { ok: true, value: output.data };
    } catch (error) {
      if (error instanceof AppError) return { ok: false, error: error.toApiError() };
      logger.error('handler failed', { method, error });
      return fail('internal', `${method} failed: ${(error as Error)?.message ?? String(error)}`);
    }
  };
}

export type { MethodName };
