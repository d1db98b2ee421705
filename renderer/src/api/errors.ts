/**
 * Turns an API error into words for the manager: the error code's text, and for a validation
 * error, one message per field path.
 */
import type { ApiError, FieldIssue } from '../../../shared/ipc/result';
import { i18n } from '../i18n';

export function errorMessage(error: ApiError): string {
  const { t, te } = i18n.global;
  const key = `errors.${error.code}`;
  // Details name what the text is about (the folder, the file, the owner of the data folder).
  const params = Object.fromEntries(Object.entries(error.details ?? {}).filter(([, v]) => typeof v === 'string' || typeof v === 'number'));
  return te(key) ? t(key, params) : t('errors.internal');
}

export function issueMessage(issue: FieldIssue): string {
  const { t, te } = i18n.global;
  if (issue.messageKey && te(issue.messageKey)) return t(issue.messageKey);
  const key = `validation.${issue.code}`;
  return te(key) ? t(key, { minimum: issue.minimum ?? '', maximum: issue.maximum ?? '' }) : t('validation.generic');
}

/** Field path -> translated message, for `el-form-item :error`. */
export function fieldErrors(error: ApiError | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const issue of error?.details?.issues ?? []) {
    if (!(issue.path in result)) result[issue.path] = issueMessage(issue);
  }
  return result;
}
