import { createRouter, createWebHashHistory, type RouteRecordRaw } from 'vue-router';
import DeviceDetailView from '../views/DeviceDetailView.vue';
import DevicesView from '../views/DevicesView.vue';
import IncidentDetailView from '../views/IncidentDetailView.vue';
import IncidentsView from '../views/IncidentsView.vue';
import MaintenanceView from '../views/MaintenanceView.vue';
import PartDetailView from '../views/PartDetailView.vue';
import PartsView from '../views/PartsView.vue';
import BackupView from '../views/BackupView.vue';
import SettingsView from '../views/SettingsView.vue';
import TransactionsView from '../views/TransactionsView.vue';
import TrainingCertificateView from '../views/TrainingCertificateView.vue';
import TrainingPersonView from '../views/TrainingPersonView.vue';
import TrainingView from '../views/TrainingView.vue';
import HomeView from '../views/HomeView.vue';
import ContingencyView from '../views/ContingencyView.vue';

/** The sections of the console, in menu order; `nav.<name>` is the menu text. */
export const SECTIONS = [
  { name: 'home', icon: 'HomeFilled' },
  { name: 'devices', icon: 'Monitor' },
  { name: 'incidents', icon: 'Warning' },
  { name: 'maintenance', icon: 'Calendar' },
  { name: 'parts', icon: 'Box' },
  { name: 'training', icon: 'Reading' },
  { name: 'contingency', icon: 'FirstAidKit' },
  { name: 'transactions', icon: 'Tickets' },
  { name: 'backup', icon: 'FolderChecked' },
  { name: 'settings', icon: 'Setting' },
] as const;

export type SectionName = (typeof SECTIONS)[number]['name'];

const routes: RouteRecordRaw[] = [
  { path: '/', redirect: '/home' },
  { name: 'home', path: '/home', component: HomeView },
  { name: 'devices', path: '/devices', component: DevicesView },
  { name: 'device', path: '/devices/:id', component: DeviceDetailView, props: true },
  { name: 'incidents', path: '/incidents', component: IncidentsView },
  { name: 'incident', path: '/incidents/:id', component: IncidentDetailView, props: true },
  { name: 'maintenance', path: '/maintenance', component: MaintenanceView },
  { name: 'parts', path: '/parts', component: PartsView },
  { name: 'part', path: '/parts/:id', component: PartDetailView, props: true },
  { name: 'training', path: '/training', component: TrainingView },
  { name: 'training-person', path: '/training/people/:id', component: TrainingPersonView, props: true },
  { name: 'training-certificate', path: '/training/certificate/:id', component: TrainingCertificateView, props: true },
  { name: 'contingency', path: '/contingency', component: ContingencyView },
  { name: 'transactions', path: '/transactions', component: TransactionsView },
  { name: 'backup', path: '/backup', component: BackupView },
  { name: 'settings', path: '/settings', component: SettingsView },
  { path: '/:pathMatch(.*)*', redirect: '/home' },
];

export function createAppRouter() {
  return createRouter({ history: createWebHashHistory(), routes });
}
