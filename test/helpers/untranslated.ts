/**
 * Finds what a Chinese reader should not see: words in Latin letters that are not a name, model,
 * unit or code, and raw ISO dates or timestamps (2026-12-04, 2026-12-04T13:51:00.250Z).
 * Codes are all capitals or digits (TID, ZVT, MTBF, 0xCC, SN-4711); names come from the allow-list
 * or from the test's own data (store, device and model names it typed in).
 */
const ALLOWED = new Set(['PosCare', 'WebP', 'Visa', 'Mastercard', 'girocard', 'Latin', 'Print', 'Line', 'Maestro', 'Alipay', 'WeChat', 'Pay', 'Wi', 'Fi', 'x', 'English', 'linux', 'win32', 'darwin']);

export interface Untranslated {
  latin: string[];
  isoDates: string[];
}

export function untranslated(text: string, names: readonly string[] = []): Untranslated {
  let rest = text;
  for (const name of names) rest = rest.split(name).join(' ');
  const isoDates = [...rest.matchAll(/\b\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?)?\b/g)].map((m) => m[0]);
  const latin = [...rest.matchAll(/[A-Za-z][A-Za-z0-9_-]*/g)]
    .map((m) => m[0])
    // Codes: capitals, digits and dashes only (TID, ZVT, SN-4711, 0xCC's "xCC" is caught below), hex like 0xCC.
    .filter((word) => !/^[A-Z0-9_-]+$/.test(word) && !/^x[0-9A-F]{2}$/.test(word) && !ALLOWED.has(word));
  return { latin: [...new Set(latin)], isoDates: [...new Set(isoDates)] };
}
