import { createRouter, createWebHistory } from 'vue-router';
import { session, hasRole } from './api.js';

const STAFF = ['dispatcher', 'department_handler', 'grid_worker', 'leader', 'admin'];

const routes = [
  { path: '/', name: 'home', component: () => import('./views/HomePage.vue') },
  { path: '/submit', name: 'submit', component: () => import('./views/SubmitAppeal.vue') },
  { path: '/track/:code?', name: 'track', component: () => import('./views/TrackAppeal.vue') },
  { path: '/login', name: 'login', component: () => import('./views/LoginPage.vue') },
  { path: '/403', name: 'forbidden', component: () => import('./views/ForbiddenPage.vue') },
  { path: '/workbench', name: 'workbench', component: () => import('./views/WorkbenchPage.vue'), meta: { roles: STAFF } },
  { path: '/cases/:id', name: 'case', component: () => import('./views/CasePage.vue'), meta: { roles: STAFF } },
  { path: '/cockpit', name: 'cockpit', component: () => import('./views/CockpitPage.vue'), meta: { roles: ['leader', 'dispatcher', 'admin'] } },
  { path: '/cockpit/capacity', name: 'capacity', component: () => import('./views/CapacityPage.vue'), meta: { roles: ['leader', 'admin'] } },
  { path: '/open/stats', name: 'public-stats', component: () => import('./views/PublicStats.vue') },
  { path: '/open/cases', name: 'public-cases', component: () => import('./views/PublicCases.vue') },
  { path: '/open/datasets', name: 'datasets', component: () => import('./views/DatasetsPage.vue') },
  { path: '/open/departments', name: 'departments', component: () => import('./views/DepartmentsPage.vue') },
  { path: '/:rest(.*)*', name: 'not-found', component: () => import('./views/NotFound.vue') },
];

export const router = createRouter({ history: createWebHistory(), routes });

// Pages for staff need a session, and a role the page is for: otherwise the login page or the 403 page.
router.beforeEach((to) => {
  const roles = to.meta.roles;
  if (!roles) return true;
  if (!session.token) return { name: 'login', query: { next: to.fullPath } };
  if (!hasRole(...roles)) return { name: 'forbidden' };
  return true;
});

// Where a user lands after login.
export function homeFor(user) {
  if (!user) return '/';
  if (user.roles.includes('leader')) return '/cockpit';
  if (user.roles.some((r) => STAFF.includes(r))) return '/workbench';
  return '/';
}
