/**
 * Serves the renderer from `app://poscare/` (a privileged standard scheme, not file://), with
 * the same Content-Security-Policy header as browser mode. Only our own host is answered, paths
 * cannot leave the renderer folder, and a malformed address is a 400, never an exception.
 */
import { pathToFileURL } from 'node:url';
import { net, protocol } from 'electron';
import { CONTENT_SECURITY_POLICY } from '../node/host/csp';
import { resolveStaticPath } from '../node/host/static-path';
import { APP_ORIGIN, APP_SCHEME } from './window';

/** 'poscare': the one host our pages live on. */
const APP_HOST = new URL(APP_ORIGIN).host;

export function registerSchemeAsPrivileged(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

function plain(status: number, text: string): Response {
  return new Response(text, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' } });
}

/**
 * One request to app://: `fetchFile` reads a file:// URL (Electron's net.fetch in the app, a
 * fake in tests). Everything that is not a plain GET of a file under `rendererDir` on our host
 * is refused with a status, so a hostile or broken address cannot throw inside the handler.
 */
export async function rendererResponse(rendererDir: string, request: Request, fetchFile: (url: string) => Promise<Response>): Promise<Response> {
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return plain(400, 'Bad request');
  }
  // Another host under our scheme (app://evil/...) is not our page: nothing is served to it.
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return plain(403, 'Forbidden');
  if (request.method !== 'GET' && request.method !== 'HEAD') return plain(405, 'Method not allowed');
  const target = resolveStaticPath(rendererDir, url.pathname);
  if (!target.ok) return plain(target.status, target.status === 403 ? 'Forbidden' : 'Bad request');
  const file = target.file;
  let response: Response;
  try {
    response = await fetchFile(pathToFileURL(file).toString());
  } catch {
    // net.fetch rejects for a missing file (net::ERR_FILE_NOT_FOUND) or a folder.
    return plain(404, 'Not found');
  }
  const headers = new Headers(response.headers);
  headers.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  headers.set('X-Content-Type-Options', 'nosniff');
  return new Response(response.body, { status: response.status, headers });
}

export function serveRenderer(rendererDir: string): void {
  // The one guard of the handler: whatever goes wrong answers 500, never an exception into Electron.
  protocol.handle(APP_SCHEME, (request) => rendererResponse(rendererDir, request, (url) => net.fetch(url)).catch(() => plain(500, 'Internal error')));
}
