/**
 * Binds every contract method to its own ipcMain channel. The sender is checked first: only
 * our own top frame, loaded from app://poscare, is answered. Events go to every window.
 */
import { ipcMain, webContents, type IpcMainInvokeEvent } from 'electron';
import { EVENT_CHANNEL, ipcChannel, METHOD_NAMES } from '../../shared/ipc/contract';
import { fail } from '../../shared/ipc/result';
import type { Dispatch } from '../node/api/dispatch';
import type { EventBus } from '../node/events/bus';
import { isTrustedUrl } from './window';

/**
 * Only our own top-level page may call: not a subframe (even of our page), not a page from
 * another origin, not a frame that is already gone (senderFrame null, or throwing because the
 * frame was disposed while the message was in flight).
 */
function trustedSender(event: IpcMainInvokeEvent): boolean {
  try {
    const frame = event.senderFrame;
    return frame !== null && frame !== undefined && frame.parent === null && isTrustedUrl(frame.url);
  } catch {
    return false;
  }
}

export function bindIpc(dispatch: Dispatch, bus: EventBus): () => void {
  for (const method of METHOD_NAMES) {
    ipcMain.handle(ipcChannel(method), (event, input: unknown) =>
      trustedSender(event) ? dispatch(method, input) : fail('unauthorized', 'Untrusted sender'),
    );
  }
  const unsubscribe = bus.subscribe((name, payload) => {
    for (const contents of webContents.getAllWebContents()) {
      if (isTrustedUrl(contents.getURL())) contents.send(EVENT_CHANNEL, name, payload);
    }
  });
  return () => {
    unsubscribe();
    for (const method of METHOD_NAMES) ipcMain.removeHandler(ipcChannel(method));
  };
}
