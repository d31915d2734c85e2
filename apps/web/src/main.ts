import { createApp } from 'vue';
import { createPinia } from 'pinia';
import { START_LOCATION } from 'vue-router';
import 'primeicons/primeicons.css';
import './styles.css';
import App from './App.vue';
import { installPlugins } from './plugins';
import { createAppRouter } from './router';
import { setSessionExpiredHandler } from './api/client';
import { currentLocale } from './i18n';

const pinia = createPinia();
const router = createAppRouter(undefined, pinia);

// The refresh token was refused: back to the sign-in page, then to where the user was.
// During the very first navigation the route guard already does this.
setSessionExpiredHandler(async () => {
  const current = router.currentRoute.value;
  if (current !== START_LOCATION && current.name !== 'login') {
    await router.push({ name: 'login', query: { redirect: current.fullPath } });
  }
});

document.documentElement.lang = currentLocale();

const app = createApp(App);
installPlugins(app, pinia, router);
app.mount('#app');
