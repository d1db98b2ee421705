/**
 * The real updater for the installed app: electron-updater's platform updater (NSIS on Windows)
 * with Electron's adapter (app version, app-update.yml written by electron-builder from
 * `publish: generic` in build/electron-builder.yml) and Electron's `net`, which honours the
 * shop's system proxy. All the logic — states, schedule, errors — lives in the plain-Node
 * UpdatesService (electron/node/services/updates/), which receives this object.
 */
import electronUpdater from 'electron-updater';
import type { SelfUpdater } from '../node/services/updates/updates-service';

export function createUpdater(): SelfUpdater {
  return electronUpdater.autoUpdater;
}
