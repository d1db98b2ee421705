/**
 * Contract method -> service call. The table is complete by type: adding a method to the
 * contract without a handler here fails the typecheck.
 */
import type { MethodName, MethodOutput, ParsedInput } from '../../../shared/ipc/contract';
import { AppError } from '../../../shared/ipc/result';
import type { Services } from '../app';

export type Handler<M extends MethodName> = (input: ParsedInput<M>) => MethodOutput<M> | Promise<MethodOutput<M>>;
export type Handlers = { [M in MethodName]: Handler<M> };

export function createHandlers(services: Services): Handlers {
  return {
    'app.info': () => services.info(),
    'native.pickFolder': (input) => {
      if (!services.native) throw new AppError('unavailable', 'Folder dialogs exist only in the desktop app; type the folder path instead');
      return services.native.pickFolder(input);
    },
    'settings.get': () => services.settings.get(),
    'settings.update': (input) => services.settings.update(input),
  };
}
