import { ElMessage } from 'element-plus';
import type { Ref } from 'vue';
import type { ApiError } from '../../../../shared/ipc/result';
import { errorMessage } from '../../api/errors';

/** A save's outcome: field errors stay in the form (`error`), any other error as a message; answers whether it saved. */
export function saveOutcome(result: { error?: ApiError }, error: Ref<ApiError | undefined>, savedText: string): boolean {
  error.value = result.error;
  if (!result.error) {
    ElMessage.success(savedText);
    return true;
  }
  if (!result.error.details?.issues) ElMessage.error(errorMessage(result.error));
  return false;
}
