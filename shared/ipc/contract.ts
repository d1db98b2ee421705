/**
 * The one API contract. Every method the renderer, the browser-mode host and the CLI can call
 * is named here as 'domain.verb' with a zod schema for its input and its output; every event
 * the main side pushes is named here with its payload schema. Preload, ipc binding, the HTTP
 * host and the renderer client are all built from these two tables; names live nowhere else.
 */
import { z } from 'zod';
import { AppInfo, PickFolderInput, PickFolderOutput } from '../domain/app';
import { Settings, SettingsUpdate } from '../domain/settings';
import type { EventName, MethodName } from './channels';

export { EVENT_CHANNEL, EVENT_NAMES, ipcChannel, isEventName, isMethodName, METHOD_NAMES } from './channels';
export type { EventName, MethodName } from './channels';

const NoInput = z.object({}).strict().optional().default({});

interface MethodSpec {
  input: z.ZodType;
  output: z.ZodType;
}

function method<I extends z.ZodType, O extends z.ZodType>(input: I, output: O) {
  return { input, output };
}

export const contract = {
  'app.info': method(NoInput, AppInfo),
  'native.pickFolder': method(PickFolderInput, PickFolderOutput),
  'settings.get': method(NoInput, Settings),
  'settings.update': method(SettingsUpdate, Settings),
} as const satisfies { [M in MethodName]: MethodSpec };

export const events = {
  /** The settings changed (from another window, the CLI, a restore). */
  'settings.changed': Settings,
} as const satisfies { [E in EventName]: z.ZodType };

export type Contract = typeof contract;
export type MethodInput<M extends MethodName> = z.input<Contract[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<Contract[M]['output']>;
export type ParsedInput<M extends MethodName> = z.output<Contract[M]['input']>;

export type Events = typeof events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;
