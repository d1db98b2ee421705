/// <reference types="vite/client" />
import type { WindowApi } from '../../shared/ipc/api';

declare global {
  interface Window {
    /** Present in Electron (built by the preload); absent in browser mode. */
    api?: WindowApi;
  }
}

declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<object, object, unknown>;
  export default component;
}
