/**
 * The Content-Security-Policy of every page we serve: by the browser-mode host (host/server.ts)
 * and by the desktop app's app:// protocol (electron/main/protocol.ts). Its own module so
 * neither entry point has to import the other.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  // Element Plus positions popups with inline style attributes.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
