/**
 * Desktop notifications when a terminal goes down (fault/offline) or comes back, in the
 * manager's language, with the same texts as the in-app banner (shared/locales `status.*`).
 * Browser mode has no native shell: there the renderer uses the Notification API.
 */
import type { Language } from '../../../../shared/domain/settings';
import en from '../../../../shared/locales/en.json';
import zhCN from '../../../../shared/locales/zh-CN.json';
import type { DeviceStatus } from '../../../../shared/domain/status';

type Overall = DeviceStatus['overall'];

const MESSAGES = { 'zh-CN': zhCN, en } as const;

function isDown(overall: Overall): boolean {
  return overall === 'fault' || overall === 'offline';
}

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (match, key: string) => values[key] ?? match);
}

/** The notification for a status change, or undefined when it is not worth one. */
export function statusNotification(
  language: Language,
  deviceName: string,
  overall: Overall,
  previous: Overall | null,
): { title: string; body: string } | undefined {
  if (previous === null || overall === 'unknown' || previous === 'unknown') return undefined;
  if (isDown(overall) === isDown(previous)) return undefined;
  const texts = MESSAGES[language].status;
  const values = { name: deviceName, state: texts.overall[overall] };
  return { title: 'PosCare', body: fill(isDown(overall) ? texts.bannerDown : texts.bannerRecovered, values) };
}
