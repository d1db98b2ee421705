/**
 * electron-updater's NSIS updater running on plain Node: an AppAdapter that knows the version
 * and the folders without Electron's `app`, and an HTTP executor on node:http(s) instead of
 * Electron's `net`. The desktop app uses Electron's own adapter (system proxy, `app` events,
 * electron/main/updater.ts); this one lets the whole check -> download -> sha512 verify path of
 * UpdatesService run under vitest against a real HTTP server. Test-only: no app code imports it.
 */
import http, { type ClientRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { configureRequestOptions, configureRequestUrl, HttpExecutor, type DownloadOptions } from 'builder-util-runtime';
import electronUpdater from 'electron-updater';
import type { AppAdapter } from 'electron-updater/out/AppAdapter';

/** node:http(s) requests; redirects and errors are handled by builder-util-runtime's base class. */
class NodeHttpExecutor extends HttpExecutor<ClientRequest> {
  createRequest(options: RequestOptions, callback: (response: IncomingMessage) => void): ClientRequest {
    return (options.protocol === 'http:' ? http.request : https.request)(options, callback);
  }

  /** The same contract as Electron's executor: streams `url` to `destination`, verifying sha512 on the way. */
  download(url: URL, destination: string, options: DownloadOptions): Promise<string> {
    return options.cancellationToken.createPromise<string>((resolve, reject, onCancel) => {
      const requestOptions: RequestOptions = { headers: options.headers ?? undefined };
      configureRequestUrl(url, requestOptions);
      configureRequestOptions(requestOptions);
      this.doDownload(
        requestOptions,
        {
          destination,
          options,
          onCancel,
          callback: (error) => (error ? reject(error) : resolve(destination)),
          responseHandler: null,
        },
        0,
      );
    });
  }
}

export interface NodeUpdaterOptions {
  /** The generic feed folder holding latest.yml and the installer. */
  feedUrl: string;
  /** The running version (semver); only newer versions on the feed count as updates. */
  currentVersion: string;
  /** Where downloads are kept (`<cacheDir>/<updaterCacheDirName>/pending/`). */
  cacheDir: string;
  /** The app-update.yml electron-builder writes next to the app (updaterCacheDirName, publisherName). */
  appUpdateConfigPath: string;
  name?: string;
}

function nodeAppAdapter(options: NodeUpdaterOptions): AppAdapter {
  return {
    version: options.currentVersion,
    name: options.name ?? 'PosCare',
    // Checking is for installed apps; this adapter exists only where checking is wanted.
    isPackaged: true,
    appUpdateConfigPath: options.appUpdateConfigPath,
    userDataPath: path.join(options.cacheDir, 'user-data'),
    baseCachePath: options.cacheDir,
    whenReady: () => Promise.resolve(),
    // Relaunching and quitting belong to a host process; a plain-Node host installs nothing by itself.
    relaunch: () => undefined,
    quit: () => undefined,
    onQuit: () => undefined,
  };
}

export type NsisUpdater = InstanceType<typeof electronUpdater.NsisUpdater>;

type RuntimeOptions = Record<string, unknown>;
interface UpdaterInternals {
  httpExecutor: HttpExecutor<ClientRequest>;
  createProviderRuntimeOptions(): RuntimeOptions;
}

/** An NsisUpdater on plain Node, reading the feed at `feedUrl`. */
export function createNodeUpdater(options: NodeUpdaterOptions): NsisUpdater {
  const updater = new electronUpdater.NsisUpdater(null, nodeAppAdapter(options));
  const internals = updater as unknown as UpdaterInternals;
  // With a custom adapter electron-updater leaves the executor null (it would be Electron's net);
  // it must be set before the feed is, because the provider captures it.
  internals.httpExecutor = new NodeHttpExecutor();
  // An NSIS updater reads the Windows feed (latest.yml) whatever platform Node runs on; electron-updater
  // would otherwise pick the channel file by process.platform (latest-linux.yml on the build machines).
  const runtimeOptions = internals.createProviderRuntimeOptions.bind(updater);
  internals.createProviderRuntimeOptions = () => ({ ...runtimeOptions(), platform: 'win32' });
  updater.setFeedURL({ provider: 'generic', url: options.feedUrl });
  return updater;
}
