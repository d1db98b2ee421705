/**
 * Attention texts in the manager's language for the desktop notifications the main side shows
 * (the renderer words the same keys with vue-i18n): the same locale files, the same `{name}`
 * placeholders, `xxxKey` parameters translated first (shared/domain/attention.ts).
 */
import { attentionParams } from '../../../../shared/domain/attention';
import type { Language } from '../../../../shared/domain/settings';
import en from '../../../../shared/locales/en.json';
import zhCN from '../../../../shared/locales/zh-CN.json';

const MESSAGES: Record<Language, unknown> = { 'zh-CN': zhCN, en };

function lookup(language: Language, key: string): string {
  let node: unknown = MESSAGES[language];
  for (const part of key.split('.')) node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined;
  return typeof node === 'string' ? node : key;
}

/** The text of a locale key with its parameters filled, in `language`; the key itself when missing. */
export function attentionText(language: Language, textKey: string, params: Record<string, string | number>): string {
  const values = attentionParams(params, (key) => lookup(language, key));
  return lookup(language, textKey).replace(/\{(\w+)\}/g, (match, name: string) => (values[name] === undefined ? match : String(values[name])));
}
