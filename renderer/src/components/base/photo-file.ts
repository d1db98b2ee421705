/**
 * A photo file the manager picked, as the data: URL the core stores: PNG, JPEG or WebP under the
 * size limit (shared/domain/devices PHOTO_*), or the locale key of why not.
 */
import { ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { PHOTO_MAX_BYTES, PHOTO_TYPES } from '../../../../shared/domain/devices';

export const PHOTO_ACCEPT = PHOTO_TYPES.join(',');

export async function readPhotoFile(file: File): Promise<{ photo: string } | { errorKey: string }> {
  if (!(PHOTO_TYPES as readonly string[]).includes(file.type)) return { errorKey: 'devices.invalidPhoto' };
  if (file.size > PHOTO_MAX_BYTES) return { errorKey: 'devices.photoTooLarge' };
  try {
    const photo = await new Promise<string>((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve(String(reader.result));
      reader.onerror = () => reject(reader.error ?? new Error('read failed'));
      reader.readAsDataURL(file);
    });
    return { photo };
  } catch {
    return { errorKey: 'devices.invalidPhoto' };
  }
}

/** The photo picked in a file input's change event, read; the input is cleared so the same file can be picked again. */
export async function photoFromInput(event: Event): Promise<{ photo: string } | { errorKey: string } | undefined> {
  const target = event.target as HTMLInputElement;
  const file = target.files?.[0];
  target.value = '';
  return file ? readPhotoFile(file) : undefined;
}

/** A photo picker's state: the hidden file input, the error in the reader's language, and its change handler handing the photo on. */
export function usePhotoPicker(change: (photo: string) => void) {
  const { t } = useI18n();
  const input = ref<HTMLInputElement>();
  const error = ref('');
  async function chosen(event: Event): Promise<void> {
    const read = await photoFromInput(event);
    if (!read) return;
    error.value = 'photo' in read ? '' : t(read.errorKey);
    if ('photo' in read) change(read.photo);
  }
  return { input, error, chosen };
}
