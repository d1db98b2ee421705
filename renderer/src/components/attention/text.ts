import { attentionParams } from '../../../../shared/domain/attention';

type Translate = (key: string, values?: Record<string, unknown>) => string;

/** An attention text (item or notice) in the page's language; `xxxKey` parameters are translated first. */
export function attentionText(t: Translate, textKey: string, params: Record<string, string | number>): string {
  return t(textKey, attentionParams(params, (key) => t(key)));
}
