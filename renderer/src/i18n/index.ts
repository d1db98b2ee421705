import { createI18n } from 'vue-i18n';
import en from '../../../shared/locales/en.json';
import zhCN from '../../../shared/locales/zh-CN.json';
import type { Language } from '../../../shared/domain/settings';

export type MessageSchema = typeof zhCN;

export const i18n = createI18n<[MessageSchema], Language, false>({
  legacy: false,
  locale: 'zh-CN',
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zhCN, en },
});

export function setLanguage(language: Language): void {
  i18n.global.locale.value = language;
  document.documentElement.lang = language;
}
