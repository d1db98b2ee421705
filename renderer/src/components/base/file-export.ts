/**
 * Exporting to a file in a folder the manager types: the path in the folder's own separator
 * (E:\Exports or /media/usb), the question before an existing file is replaced (the core refuses
 * with `path_exists` until the manager says so, then the same export runs with `overwrite`), and
 * a refusal shown in the manager's language. One flow for every export of the console.
 */
import { ElMessage, ElMessageBox } from 'element-plus';
import { ref } from 'vue';
import { useI18n } from 'vue-i18n';
import type { ApiError } from '../../../../shared/ipc/result';
import { errorMessage, fieldErrors } from '../../api/errors';

export type ExportOutcome<T> = { value?: T; error?: ApiError };

/** `name` inside `folder`, or undefined when no folder is given. */
export function pathIn(folder: string, name: string): string | undefined {
  const dir = folder.trim().replace(/[\\/]+$/, '');
  if (!dir) return undefined;
  return `${dir}${dir.includes('\\') ? '\\' : '/'}${name}`;
}

export function useFileExport() {
  const { t } = useI18n();
  const exporting = ref(false);

  async function confirmReplace(file: string): Promise<boolean> {
    try {
      await ElMessageBox.confirm(t('common.overwriteQuestion', { file }), t('common.overwriteTitle'), {
        type: 'warning',
        confirmButtonText: t('common.overwriteConfirm'),
        cancelButtonText: t('common.cancel'),
      });
      return true;
    } catch {
      return false;
    }
  }

  /** Runs `write` to `out`; asks before replacing a file; answers the result, or undefined (refused, cancelled). */
  async function run<T>(out: string, write: (overwrite: boolean) => Promise<ExportOutcome<T>>): Promise<T | undefined> {
    exporting.value = true;
    try {
      let result = await write(false);
      if (result.error?.code === 'path_exists') {
        if (!(await confirmReplace(out))) return undefined;
        result = await write(true);
      }
      if (result.error) {
        ElMessage.error(fieldErrors(result.error)['out'] ?? errorMessage(result.error));
        return undefined;
      }
      return result.value;
    } finally {
      exporting.value = false;
    }
  }

  return { exporting, run };
}

/** Hands `csv` to the browser (or the app's save dialog) as a UTF-8 file with a BOM, which spreadsheet programs read right. */
export function downloadCsv(name: string, csv: string): void {
  const link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob(['\uFEFF', csv], { type: 'text/csv;charset=utf-8' }));
  link.download = name;
  link.click();
  URL.revokeObjectURL(link.href);
}
