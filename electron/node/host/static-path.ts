/**
 * The one rule for turning a request path into a file of the renderer folder, shared by browser
 * mode (host/server.ts) and the desktop app's app:// protocol (electron/main/protocol.ts). A
 * malformed path is a status, never an exception: a hostile page can send any bytes.
 */
import path from 'node:path';

/** Longer request paths are refused (414): no file of the renderer has a name near this. */
export const MAX_STATIC_PATH = 1024;

export type StaticPath = { ok: true; file: string; pathname: string } | { ok: false; status: 400 | 403 | 414 };

/**
 * `rawPathname` is the still percent-encoded path of the URL. Answers the absolute file under
 * `root` (resolved), or the status to answer: 400 for an undecodable or control-character path
 * or a backslash, 414 for an overlong one, 403 for one that leaves the folder.
 */
export function resolveStaticPath(root: string, rawPathname: string): StaticPath {
  if (rawPathname.length > MAX_STATIC_PATH) return { ok: false, status: 414 };
  let pathname: string;
  try {
    // A lone '%' or a broken UTF-8 sequence makes decodeURIComponent throw.
    pathname = decodeURIComponent(rawPathname);
  } catch {
    return { ok: false, status: 400 };
  }
  // NUL makes fs throw; other control characters and backslashes (a separator on Windows) are never in our file names.
  if (/[\u0000-\u001f\u007f\\]/.test(pathname) || !pathname.startsWith('/')) return { ok: false, status: 400 };
  if (pathname === '/') pathname = '/index.html';
  const base = path.resolve(root);
  const file = path.resolve(base, '.' + pathname);
  if (!file.startsWith(base + path.sep)) return { ok: false, status: 403 };
  return { ok: true, file, pathname };
}
