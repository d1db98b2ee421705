/**
 * A failed backup in the manager's language: the history keeps a code with the English message
 * (failureOf), and a failed backup call answers the destination's reason in `details.reason`.
 */
import { failureOf, type BackupEntry } from '../../../../shared/domain/backup';
import type { ApiError } from '../../../../shared/ipc/result';
import { errorMessage } from '../../api/errors';
import { i18n } from '../../i18n';

/** The text of a failed history row: its code's translation; a row from before codes were kept, its message. */
export function failureMessage(entry: Pick<BackupEntry, 'error'>): string {
  const { t, te } = i18n.global;
  const { code, message } = failureOf(entry);
  if (code && te(`backup.failureReasons.${code}`)) return t(`backup.failureReasons.${code}`);
  // An unexpected failure keeps its technical detail for whoever supports the store.
  if (code === 'internal') return message ? `${t('errors.internal')} (${message})` : t('errors.internal');
  if (code && te(`errors.${code}`)) return t(`errors.${code}`);
  return message || t('errors.internal');
}

/** The error of a backup call: a full or unwritable backup folder said as such, else the code's text. */
export function backupErrorMessage(error: ApiError): string {
  const { t, te } = i18n.global;
  const reason = error.details?.reason;
  if (typeof reason === 'string' && te(`backup.failureReasons.${reason}`)) return t(`backup.failureReasons.${reason}`);
  return errorMessage(error);
}
