import 'element-plus/dist/index.css';
import { createPinia } from 'pinia';
import { createApp } from 'vue';
import { captureToken } from './api/client';
import App from './App.vue';
import { i18n } from './i18n';
import { createAppRouter } from './router';
import { useSettingsStore } from './stores/settings';

captureToken();

const app = createApp(App);
app.use(createPinia());
app.use(i18n);
app.use(createAppRouter());
app.mount('#app');
void useSettingsStore().load();
