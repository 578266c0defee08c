import { createApp } from 'vue';
import ElementPlus from 'element-plus';
import 'element-plus/dist/index.css';
import './style.css';
import App from './App.vue';
import { router } from './router.js';
import { onSessionEnded } from './api.js';
import { locale } from './i18n.js';

document.documentElement.lang = locale.value;

// A call answered 401 while logged in: back to the login page, saying why, then back here.
onSessionEnded(() => {
  const here = router.currentRoute.value;
  if (here.name !== 'login') router.push({ name: 'login', query: { expired: '1', next: here.fullPath } });
});

createApp(App).use(ElementPlus).use(router).mount('#app');
